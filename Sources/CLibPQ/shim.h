#ifndef USTRACK_CLIBPQ_SHIM_H
#define USTRACK_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#include <poll.h>

// Swift cannot call C variadics or pass the PG_DIAG_* character constants portably,
// so the few we need are wrapped here.
static inline char *ustrack_result_field(const PGresult *res, int code) {
    return PQresultErrorField(res, code);
}
#endif
