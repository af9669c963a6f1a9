#ifndef CPROCTORSTACK_H
#define CPROCTORSTACK_H

#include <stddef.h>

/// The calling thread's stack: its lowest address and its size in bytes. Returns 0 on success,
/// -1 where the platform does not tell.
int proctor_stack_bounds(void **low, size_t *size);

#endif
