/**
 * Benchmarks run by {@code benchmarks/run.sh}: each measures Tandem and what it is compared with
 * side by side in one run, on real servers, and prints the ratios.
 */
package dev.tandem.benchmarks;
