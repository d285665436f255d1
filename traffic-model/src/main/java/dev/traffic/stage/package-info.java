/**
 * The request-stage seam: the interfaces request rules, inline inspection and the credential broker
 * implement, and proxy-core runs on every request path. No Netty here: stages see plain records.
 */
package dev.traffic.stage;
