/* bench_exec.c: run a command several times; print its best wall-clock time,
 * its best CPU time (user + sys, from wait4) and its peak resident memory,
 * for `make bench`.
 * usage: bench_exec REPEAT COMMAND [ARG...]
 * prints: `wall_s=<best seconds> maxrss_mib=<peak MiB over the runs> cpu_s=<best user+sys>` */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_exec REPEAT COMMAND [ARG...]\n");
        return 2;
    }
    int repeat = atoi(argv[1]);
    double best = 1e300, best_cpu = 1e300;
    long maxrss_kib = 0;
    for (int r = 0; r < (repeat > 0 ? repeat : 1); r++) {
        double t0 = now_s();
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 2;
        }
        if (pid == 0) {
            /* the command's own output would mix with ours */
            if (!freopen("/dev/null", "w", stdout))
                _exit(127);
            execvp(argv[2], argv + 2);
            perror(argv[2]);
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (wait4(pid, &status, 0, &ru) < 0) {
            perror("wait4");
            return 2;
        }
        double dt = now_s() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "bench_exec: %s failed (status %d)\n", argv[2], status);
            return 1;
        }
        if (dt < best)
            best = dt;
        double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                     (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
        if (cpu < best_cpu)
            best_cpu = cpu;
        if (ru.ru_maxrss > maxrss_kib)
            maxrss_kib = ru.ru_maxrss;
    }
    printf("wall_s=%.3f maxrss_mib=%.1f cpu_s=%.3f\n", best, maxrss_kib / 1024.0, best_cpu);
    return 0;
}
