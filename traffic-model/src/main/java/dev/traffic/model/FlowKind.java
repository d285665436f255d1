package dev.traffic.model;

/** HTTP = a request/response exchange (any version), WEBSOCKET = upgraded, TUNNEL = opaque bytes. */
public enum FlowKind { HTTP, WEBSOCKET, TUNNEL }
