/**
 * The RocketMQ bridge: a sink connector that delivers Kafka records to RocketMQ topics (per-key
 * order kept, one key to one queue) and a source connector that reads RocketMQ topics back.
 */
package dev.tandem.rocketmq;
