/**
 * Turns the events of one exchange or tunnel into flow records for the sink: write-ahead head,
 * bodies teed up to the record cap, the finished flow exactly once.
 */
package dev.traffic.proxy.record;
