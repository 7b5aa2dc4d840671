/// Module home for ConsoleUI (built by a later issue).
public enum ConsoleUIModule {}
