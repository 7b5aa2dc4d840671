/// Module home for Diagnostics (built by a later issue).
public enum DiagnosticsModule {}
