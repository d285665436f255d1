/** HTTP/2 connections to upstream servers: one connection, many exchanges as streams. */
package dev.traffic.proxy.upstream.h2;
