"""botkit's benchmarks: ``make bench`` (``python -m bench``) and ``make bench-smoke``.

Every scenario runs against the bundled local servers in a separate process (``server_process``),
with the bot -- and each alternative it is compared with -- in a process of its own, and reads
its figures from the server's request log and state. One module per scenario:

    burst         1  a burst of messages, botkit with a no-op plugin, both backends
    alternatives  2  the same burst through the plain zulip client and zulip_bots' runner
    catchup       3  unread messages waiting at start
    receipts      4  "who read this?" latency and calls
    audit         5  a read audit under the default rate limit, against the limit's floor
    startup       6  botkit --version, botkit run to ready, idle CPU and requests
"""
