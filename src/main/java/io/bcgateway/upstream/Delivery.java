package io.bcgateway.upstream;

/** How BC's answer comes back to whoever asked: the engine's two body strategies. */
public enum Delivery {
    /**
     * The pass-through: a final answer other than 429 or 5xx is handed over paused and unread, to be piped to the
     * caller with back-pressure ({@link UpstreamCall#relay}); the running slot is held until the pipe ends. 429 and
     * 5xx answers are small JSON documents and are read whole, because they decide on a retry.
     */
    STREAMED,
    /** The gateway's own calls (fan-out pages, company lists, batch chunks): every answer is read whole. */
    BUFFERED
}
