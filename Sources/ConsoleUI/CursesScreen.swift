import CNCurses
import Foundation

/// The terminal as a `Screen`, through ncursesw. `start()` takes the terminal, `stop()` restores it.
public final class CursesScreen: Screen {
    public private(set) var rows = 24
    public private(set) var columns = 80
    private var started = false

    public let theme: Theme

    public init(theme: Theme = .standard) { self.theme = theme }

    public func start() {
        gw_enable_locale()
        initscr()
        raw()
        noecho()
        keypad(gw_stdscr(), true)
        curs_set(0)
        timeout(500)
        if has_colors() {
            start_color()
            use_default_colors()
            let codes: [String: Int16] = ["black": Int16(COLOR_BLACK), "red": Int16(COLOR_RED), "green": Int16(COLOR_GREEN),
                                          "yellow": Int16(COLOR_YELLOW), "blue": Int16(COLOR_BLUE), "magenta": Int16(COLOR_MAGENTA),
                                          "cyan": Int16(COLOR_CYAN), "white": Int16(COLOR_WHITE), "default": -1]
            let pairs: [(Role, Int16)] = theme.colors.sorted { $0.key.rawValue < $1.key.rawValue }.compactMap { role, name in
                codes[name].map { (role, $0) }
            }
            for (index, pair) in pairs.enumerated() {
                init_pair(Int16(index + 1), pair.1, -1)
                colorIndex[pair.0] = Int16(index + 1)
            }
        }
        started = true
        refreshSize()
    }

    private var colorIndex: [Role: Int16] = [:]

    public func stop() {
        guard started else { return }
        endwin()
        started = false
    }

    public func refreshSize() {
        var r: Int32 = 0, c: Int32 = 0
        gw_getmaxyx(gw_stdscr(), &r, &c)
        rows = Int(r)
        columns = Int(c)
    }

    public func put(_ text: String, row: Int, column: Int, role: Role) {
        guard row >= 0, row < rows, column < columns else { return }
        var attrs: attr_t = 0
        if role == .selection { attrs |= gw_attr_reverse() }
        if role == .header || role == .footer { attrs |= gw_attr_bold() }
        if let pair = colorIndex[role], ProcessInfo.processInfo.environment["NO_COLOR"] == nil { attrs |= gw_color_pair(pair) }
        _ = gw_put_utf8(gw_stdscr(), Int32(row), Int32(max(0, column)), text, attrs, Int32(columns - max(0, column)))
    }

    public func clear() { erase() }

    public func flush() { refresh() }

    /// The next key, or nil after the timeout.
    public func key() -> Int32? {
        let value = getch()
        return value == ERR ? nil : value
    }
}
