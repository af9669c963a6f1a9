// The kernel readiness-queue headers that Swift's Glibc module leaves out, for load mode.
#ifndef CPROCTORPOLL_H
#define CPROCTORPOLL_H

#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/timerfd.h>
#endif

#endif
