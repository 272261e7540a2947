package io.finality.ethereum.rpc;

/**
 * Connection life cycle and subscription notifications of a {@link JsonRpcClient}, on its event loop.
 */
public interface JsonRpcListener {
    /** The WebSocket handshake completed: requests may be sent (subscriptions must be made again). */
    void onConnected();

    /** The connection closed; every outstanding request has already failed. A redial follows unless closed. */
    void onDisconnected(String reason);

    /** An {@code eth_subscription} notification; valid only during the call. */
    void onNotification(RpcResponse notification);
}
