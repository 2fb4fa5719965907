/** The sink task's metrics, registered with the worker's plugin metrics and so shown over JMX. */
package dev.tandem.sink.metrics;
