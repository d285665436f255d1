/** The services one running proxy shares among its handlers (config, TLS, policy, resolver, pools, stages). */
package dev.traffic.proxy.server;
