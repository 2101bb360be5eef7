#ifndef USTRACK_CLIBPQ_SHIM_H
#define USTRACK_CLIBPQ_SHIM_H
// The C headers the Postgres module uses: libpq, and poll(2) to wait on its socket.
#include <libpq-fe.h>
#include <poll.h>
#endif
