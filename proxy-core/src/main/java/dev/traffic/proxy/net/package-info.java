/**
 * Network plumbing shared by every role: the transport (epoll or NIO), name resolution and the
 * hosts file, request targets, read gating (who paused a channel and why), HTTP/2 settings.
 */
package dev.traffic.proxy.net;
