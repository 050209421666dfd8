"""The edge: HTTP API, Socket.IO rooms, and one module per page (console, big screen, golden keys, admin).
It parses input, checks who may do it, calls the ceremony service, and puts its answers into words."""
