import ResourcePrinters

/// Tab-separated rows aligned as kubectl's tables.
public enum KubectlTable {
    public static func render(_ tsv: String) -> String {
        let rows = tsv.split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        guard let header = rows.first else { return "" }
        return Table(headers: header, rows: Array(rows.dropFirst())).render()
    }
}
