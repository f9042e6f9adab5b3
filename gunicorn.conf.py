"""Gunicorn settings read from the working directory (the Procfile, the image
and the tests all start gunicorn from the project root); the command line gives
the address and the number of workers."""

# No control socket: nothing here uses gunicornc, several servers on one
# machine would share its default path, and the image's user has no home.
control_socket_disable = True
