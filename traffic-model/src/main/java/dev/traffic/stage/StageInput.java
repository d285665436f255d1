package dev.traffic.stage;

import dev.traffic.model.FlowRequest;

/**
 * What a stage sees: the request (method, scheme, the host actually requested, port, path, query,
 * headers in wire order, userinfo) as the previous stages left it, with the held body prefix as its
 * body ({@code request.body().recorded()}; {@code truncated} when the body goes on past the scan
 * window), the client's address ("ip:port"), the recording session and the flow id.
 */
public record StageInput(FlowRequest request, String client, String session, String flowId) {}
