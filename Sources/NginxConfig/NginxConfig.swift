/// Module home for NginxConfig (built by a later issue).
public enum NginxConfigModule {}
