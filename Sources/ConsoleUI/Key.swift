/// A key press, a mouse event or a resize, as the console's state machine sees it (independent of curses).
public enum Key: Equatable, Sendable {
    case char(Character)
    /// Ctrl with a letter (lower case): `.ctrl("d")` is Ctrl-D.
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case resize
    case click(row: Int, column: Int)
    case wheelUp(row: Int, column: Int)
    case wheelDown(row: Int, column: Int)

    /// Maps a terminal character code (from `get_wch`) to a key: control codes, Enter, Esc, Tab, DEL.
    public static func character(_ code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(code + 96)!))
        default:
            guard let scalar = Unicode.Scalar(code), code >= 32 else { return nil }
            return .char(Character(scalar))
        }
    }
}
