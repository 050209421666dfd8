"""The 签约图 (signing certificate): ``ink`` (the pen that turns a pad's points into ink, and what a batch
of points may hold), ``layout`` (where the words and each pad's signature place sit) and ``render`` (the
picture as SVG, PNG and vector PDF). Plain Python: no Flask, SQL or Socket.IO."""
