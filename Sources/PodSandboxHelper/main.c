// gwconsole-pod-sandbox: the process of a sandboxed local pod (docs/workloads.md, "Sandbox"), a small program of its
// own so that a pod costs a few hundred kilobytes and starts in a millisecond; `gwconsole pod-sandbox` does the same
// where this program is not installed beside gwconsole.
#include "cprocess.h"

int main(int argc, char **argv) { return gw_pod_sandbox_main(argc - 1, argv + 1); }
