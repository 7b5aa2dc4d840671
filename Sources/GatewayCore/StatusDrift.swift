import GatewayAPI

/// Compares the status a cluster's controller wrote with the status the core computes for the same object
/// (cluster mode's two views of status). Only conditions count: per place (the object, a listener, a parent or an
/// ancestor of this controller), each condition's status and reason.
public enum StatusDrift {
    /// One condition as a place, type, status and reason.
    public struct Entry: Sendable, Equatable, Hashable {
        public var place: String
        public var type: ConditionType
        public var status: ConditionStatus
        public var reason: ConditionReason
    }

    /// A condition the two views disagree on (nil: that view has no such condition).
    public struct Difference: Sendable, Equatable {
        public var place: String
        public var type: ConditionType
        public var cluster: Entry?
        public var computed: Entry?

        public var summary: String {
            func text(_ entry: Entry?) -> String { entry.map { "\($0.status) (\($0.reason))" } ?? "absent" }
            return "\(place) \(type): cluster \(text(cluster)), gwconsole \(text(computed))"
        }
    }

    /// The conditions of a status, with their places; parents and ancestors only for `controllerName`.
    public static func entries(_ status: JSONValue?, controllerName: String) -> [Entry] {
        guard let status else { return [] }
        var entries: [Entry] = []
        func add(_ place: String, _ holder: JSONValue) {
            for condition in holder.conditionList {
                entries.append(
                    Entry(place: place, type: condition.type, status: condition.status, reason: condition.reason ?? ""))
            }
        }
        add("object", status)
        for listener in status["listeners"]?.arrayValue ?? [] {
            add("listener \(listener["name"]?.stringValue ?? "?")", listener)
        }
        for parent in status["parents"]?.arrayValue ?? [] where parent["controllerName"]?.stringValue == controllerName
        {
            let ref = parent["parentRef"]
            add(
                "parent \(ref?["namespace"]?.stringValue.map { $0 + "/" } ?? "")\(ref?["name"]?.stringValue ?? "?")\(ref?["sectionName"]?.stringValue.map { "/" + $0 } ?? "")",
                parent)
        }
        for ancestor in status["ancestors"]?.arrayValue ?? []
        where ancestor["controllerName"]?.stringValue == controllerName {
            let ref = ancestor["ancestorRef"]
            add(
                "ancestor \(ref?["namespace"]?.stringValue.map { $0 + "/" } ?? "")\(ref?["name"]?.stringValue ?? "?")",
                ancestor)
        }
        return entries
    }

    /// Where the views differ, in the computed view's order, then conditions only the cluster has.
    public static func differences(cluster: JSONValue?, computed: JSONValue?, controllerName: String) -> [Difference] {
        let theirs = entries(cluster, controllerName: controllerName)
        let ours = entries(computed, controllerName: controllerName)
        var result: [Difference] = []
        for entry in ours {
            let match = theirs.first { $0.place == entry.place && $0.type == entry.type }
            if match?.status != entry.status || match?.reason != entry.reason {
                result.append(Difference(place: entry.place, type: entry.type, cluster: match, computed: entry))
            }
        }
        for entry in theirs where !ours.contains(where: { $0.place == entry.place && $0.type == entry.type }) {
            result.append(Difference(place: entry.place, type: entry.type, cluster: entry, computed: nil))
        }
        return result
    }
}
