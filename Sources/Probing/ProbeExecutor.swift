import Foundation

/// A thread of the probes' own that runs their async work (grpc-swift's client). Probes are called synchronously —
/// from commands, the console's background work and tests — and wait on a semaphore: were their tasks left on the
/// shared cooperative pool (one thread per core), a few such waits on pool threads would leave no thread to run the
/// calls they wait for, and each would end in its deadline. Jobs preferring this executor run here instead.
final class ProbeExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = ProbeExecutor()

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    private init() {
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "gwconsole probes"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    /// Runs `body` on this executor and waits for it on the calling thread.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = Box<T>()
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: shared) {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    final class Box<T>: @unchecked Sendable {
        var value: T?
    }
}
