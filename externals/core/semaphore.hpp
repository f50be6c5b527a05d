// A counting semaphore for C++17 hosts (std::counting_semaphore is C++20): posting never
// blocks, so the audio thread can wake the worker; waiting costs nothing while idle.
#pragma once

#if defined(__APPLE__)
#include <dispatch/dispatch.h>
#elif defined(_WIN32)
#ifndef NOMINMAX
#define NOMINMAX  // windows.h's min and max macros would break std::min in the core
#endif
#include <climits>
#include <windows.h>
#else
#include <cerrno>
#include <semaphore.h>
#endif

namespace semantic {

class Semaphore {
public:
#if defined(__APPLE__)
    Semaphore() : s_(dispatch_semaphore_create(0)) {}
    ~Semaphore() { dispatch_release(s_); }
    void post() { dispatch_semaphore_signal(s_); }
    void wait() { dispatch_semaphore_wait(s_, DISPATCH_TIME_FOREVER); }
#elif defined(_WIN32)
    Semaphore() : s_(CreateSemaphore(nullptr, 0, LONG_MAX, nullptr)) {}
    ~Semaphore() { CloseHandle(s_); }
    void post() { ReleaseSemaphore(s_, 1, nullptr); }
    void wait() { WaitForSingleObject(s_, INFINITE); }
#else
    Semaphore() { sem_init(&s_, 0, 0); }
    ~Semaphore() { sem_destroy(&s_); }
    void post() { sem_post(&s_); }
    void wait() {
        while (sem_wait(&s_) == -1 && errno == EINTR) {
        }
    }
#endif
    Semaphore(const Semaphore&) = delete;
    Semaphore& operator=(const Semaphore&) = delete;

private:
#if defined(__APPLE__)
    dispatch_semaphore_t s_;
#elif defined(_WIN32)
    HANDLE s_;
#else
    sem_t s_;
#endif
};

}  // namespace semantic
