/* Callgrind client requests for the Python counting harness, loaded with ctypes.
 * Outside valgrind each request is a handful of no-op instructions. */
#include <valgrind/callgrind.h>

void dashbench_zero(void) { CALLGRIND_ZERO_STATS; }
void dashbench_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void dashbench_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
void dashbench_dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
int dashbench_on_valgrind(void) { return RUNNING_ON_VALGRIND; }
