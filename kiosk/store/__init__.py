"""Where the ceremony is kept: the database (the only SQL, with its schema migrations) and the shared
in-process state behind one small interface."""
