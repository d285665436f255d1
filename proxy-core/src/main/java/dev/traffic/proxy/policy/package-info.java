/**
 * Where a request is admitted or refused: host and address policy, and the proxy's own answers
 * to a refused request (plain text, or a request stage's refusal in the form its client shows).
 */
package dev.traffic.proxy.policy;
