/// Module home for KubeClient (built by a later issue).
public enum KubeClientModule {}
