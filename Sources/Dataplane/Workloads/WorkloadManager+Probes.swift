import Foundation
import GatewayAPI

/// Readiness and liveness probes of local pods (docs/workloads.md, "Probes"): tried from this machine against the
/// pod's address when due; readiness sets the pod's Ready (and so its endpoints), liveness failing its threshold
/// restarts the container.
extension WorkloadManager {
    func probeRecordPath(_ pod: DesiredPod) -> String { podRoot(pod.namespace, pod.name) + "/run/probes.json" }

    func loadProbeRecord(_ path: String) -> ProbeRecord? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).flatMap {
            try? JSONDecoder().decode(ProbeRecord.self, from: $0)
        }
    }

    func saveProbeRecord(_ record: ProbeRecord, _ path: String) {
        if let data = try? JSONEncoder().encode(record) { try? data.write(to: URL(fileURLWithPath: path)) }
    }

    /// At a container's start: its probes' record begins, and whether it is ready now. With a readiness probe, only
    /// once that probe succeeds (tried at once when it has no initial delay); without one, as soon as it listens.
    func beginProbes(_ pod: DesiredPod, container: Container, ip: String) -> Bool {
        let now = Date().timeIntervalSince1970
        var record = ProbeRecord(started: now)
        defer { saveProbeRecord(record, probeRecordPath(pod)) }
        guard let readiness = ContainerProbe(container.readinessProbe, container: container) else { return true }
        guard readiness.isDue(record.readiness, started: now, now: now) else { return false }
        record.readiness = readiness.recording(
            ProbeRunner.run(readiness, address: ip), in: record.readiness, now: now)
        return readiness.verdict(record.readiness) == true
    }

    /// A running container's probes, those that are due: a readiness verdict that differs from the pod's Ready is
    /// written with `setReady`; false when liveness failed its threshold (the caller restarts the container).
    func probeRunning(
        _ pod: DesiredPod, container: Container, ip: String, ready: Bool, setReady: (Bool) throws -> Void
    ) throws -> Bool {
        let readiness = ContainerProbe(container.readinessProbe, container: container)
        let liveness = ContainerProbe(container.livenessProbe, container: container)
        guard readiness != nil || liveness != nil else { return true }
        let now = Date().timeIntervalSince1970
        let path = probeRecordPath(pod)
        var record = loadProbeRecord(path) ?? ProbeRecord(started: now)
        defer { saveProbeRecord(record, path) }
        if let readiness, readiness.isDue(record.readiness, started: record.started, now: now) {
            record.readiness = readiness.recording(
                ProbeRunner.run(readiness, address: ip), in: record.readiness, now: now)
            if let verdict = readiness.verdict(record.readiness), verdict != ready { try setReady(verdict) }
        }
        if let liveness, liveness.isDue(record.liveness, started: record.started, now: now) {
            record.liveness = liveness.recording(ProbeRunner.run(liveness, address: ip), in: record.liveness, now: now)
            if liveness.verdict(record.liveness) == false { return false }
        }
        return true
    }

    /// Whether a running local pod has a probe due now (the resident controller then syncs workloads).
    func hasProbeDue(_ stored: StoredObject, now: Double = Date().timeIntervalSince1970) -> Bool {
        // Most pods have no probe: the raw object says so before any decoding.
        guard let raw = stored.object["spec"]?["containers"]?.arrayValue?.first,
            raw["readinessProbe"] != nil || raw["livenessProbe"] != nil,
            let container = (try? Pod.decode(stored.object))?.spec.containers.first
        else { return false }
        let path = podRoot(stored.namespace, stored.name) + "/run/probes.json"
        guard let record = loadProbeRecord(path) else { return false }
        let readiness = ContainerProbe(container.readinessProbe, container: container)
        let liveness = ContainerProbe(container.livenessProbe, container: container)
        return readiness?.isDue(record.readiness, started: record.started, now: now) == true
            || liveness?.isDue(record.liveness, started: record.started, now: now) == true
    }
}
