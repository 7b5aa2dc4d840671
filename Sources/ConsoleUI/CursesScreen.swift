import CNCurses
import Foundation

/// The terminal as a `Screen`, through ncursesw. `start()` takes the terminal, `stop()` restores it (and a signal
/// handler restores it on a crash or a kill).
public final class CursesScreen: Screen {
    public private(set) var rows = 24
    public private(set) var columns = 80
    private var started = false
    private var attributes: [Role: attr_t] = [:]

    public private(set) var theme: Theme
    /// Colours in use: false under NO_COLOR or on a terminal without colours (attributes only).
    public let useColor: Bool
    /// How many colours the terminal has (after start).
    public private(set) var colorCount = 0

    public init(theme: Theme = .standard, useColor: Bool = true) {
        self.theme = theme
        self.useColor = useColor
    }

    /// Whether the locale is UTF-8 (call after `start`, or it reads the C locale).
    public static var localeIsUTF8: Bool {
        gw_enable_locale()
        return gw_locale_is_utf8() == 1
    }

    public func start(mouse: Bool) {
        gw_enable_locale()
        gw_install_terminal_restore()
        setenv("ESCDELAY", "25", 0)
        initscr()
        raw()
        noecho()
        nonl()
        keypad(gw_stdscr(), true)
        curs_set(0)
        timeout(100)
        if mouse { gw_enable_mouse() }
        if useColor && has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(gw_colors())
        }
        started = true
        apply(theme)
        refreshSize()
    }

    /// Switches theme: colour pairs and attributes per role.
    public func apply(_ theme: Theme) {
        self.theme = theme
        attributes = [:]
        var pairs: [String: Int16] = [:]
        for role in Role.allCases {
            let style = theme.style(for: role)
            var attrs: attr_t = 0
            if style.bold { attrs |= gw_attr_bold() }
            if style.underline { attrs |= gw_attr_underline() }
            if style.reverse { attrs |= gw_attr_reverse() }
            if style.dim { attrs |= gw_attr_dim() }
            if colorCount > 0 {
                let fg = code(style.foreground)
                let bg = code(style.background)
                // Folded onto few colours, a selection may look like plain text: then it is reversed.
                let normal = theme.style(for: .normal)
                if [.selection, .tabActive].contains(role), !style.reverse, fg == code(normal.foreground),
                    bg == code(normal.background)
                {
                    attrs |= gw_attr_reverse()
                }
                if fg != -1 || bg != -1 {
                    let key = "\(fg)/\(bg)"
                    let pair =
                        pairs[key]
                        ?? {
                            let next = Int16(pairs.count + 1)
                            init_pair(next, fg, bg)
                            pairs[key] = next
                            return next
                        }()
                    attrs |= gw_color_pair(pair)
                }
            } else if role == .selection || role == .tabActive || role == .header, !style.reverse {
                // Without colours, a selection must still show.
                attrs |= gw_attr_reverse()
            }
            attributes[role] = attrs
        }
        if started { wbkgd(gw_stdscr(), chtype(attributes[.normal] ?? 0) | chtype(UInt8(ascii: " "))) }
    }

    private func code(_ color: ThemeColor) -> Int16 {
        switch color.fallback(colors: colorCount) {
        case .terminalDefault: return -1
        case .index(let index): return Int16(index)
        }
    }

    public func stop() {
        guard started else { return }
        endwin()
        started = false
    }

    /// Leaves curses mode for a program that needs the terminal (an editor); `resume` takes it back.
    public func suspend() {
        if started {
            def_prog_mode()
            endwin()
        }
    }
    public func resume() {
        if started {
            reset_prog_mode()
            refresh()
        }
    }

    public func refreshSize() {
        var r: Int32 = 0
        var c: Int32 = 0
        gw_getmaxyx(gw_stdscr(), &r, &c)
        rows = Int(r)
        columns = Int(c)
    }

    public func put(_ text: String, row: Int, column: Int, role: Role) {
        guard row >= 0, row < rows, column < columns, !text.isEmpty else { return }
        _ = gw_put_utf8(
            gw_stdscr(), Int32(row), Int32(max(0, column)), terminalSafe(text), attributes[role] ?? 0,
            Int32(columns - max(0, column)))
    }

    public func clear() { erase() }

    public func flush() { refresh() }

    /// The next key, mouse event or resize, or nil after the timeout.
    public func key() -> Key? {
        var code: Int32 = 0
        switch gw_read_key(&code) {
        case 0: return Key.character(UInt32(bitPattern: code))
        case 1:
            if code == gw_key_mouse() {
                var row: Int32 = 0
                var column: Int32 = 0
                var kind: Int32 = 0
                guard gw_read_mouse(&row, &column, &kind) == 0 else { return nil }
                switch kind {
                case 1: return .click(row: Int(row), column: Int(column))
                case 2: return .wheelUp(row: Int(row), column: Int(column))
                case 3: return .wheelDown(row: Int(row), column: Int(column))
                default: return nil
                }
            }
            if code == gw_key_resize() {
                refreshSize()
                return .resize
            }
            if code == gw_key_btab() { return .backTab }
            switch code {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_NPAGE: return .pageDown
            case KEY_PPAGE: return .pageUp
            case KEY_BACKSPACE: return .backspace
            case KEY_DC: return .delete
            case KEY_ENTER: return .enter
            default: return nil
            }
        default: return nil
        }
    }
}
