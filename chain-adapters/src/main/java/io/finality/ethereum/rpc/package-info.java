/**
 * A JSON-RPC 2.0 client over a Netty WebSocket ({@link io.finality.ethereum.rpc.JsonRpcClient}): request ids,
 * pipelined and batched requests, per-request timeouts, reconnect with backoff, subscription notifications, and a
 * frame size limit. It routes frames without building objects; handlers receive views of the received bytes.
 */
package io.finality.ethereum.rpc;
