#define _GNU_SOURCE
#include "CProctorStack.h"

#include <pthread.h>

#if defined(__APPLE__)
int proctor_stack_bounds(void **low, size_t *size) {
    pthread_t self = pthread_self();
    size_t bytes = pthread_get_stacksize_np(self);
    char *top = (char *)pthread_get_stackaddr_np(self);
    *low = top - bytes;
    *size = bytes;
    return 0;
}
#elif defined(__linux__)
int proctor_stack_bounds(void **low, size_t *size) {
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return -1;
    int status = pthread_attr_getstack(&attributes, low, size);
    pthread_attr_destroy(&attributes);
    return status == 0 ? 0 : -1;
}
#else
int proctor_stack_bounds(void **low, size_t *size) {
    (void)low;
    (void)size;
    return -1;
}
#endif
