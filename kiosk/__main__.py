import sys

# gevent must patch the standard library before Flask, sockets or threads are imported.
if sys.argv[1:2] == ["serve"]:
    from gevent import monkey

    monkey.patch_all()

from kiosk.cli import main

sys.exit(main())
