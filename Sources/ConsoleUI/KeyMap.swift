/// Every key the console knows, for the help overlay, the footer and the docs.
public enum KeyMap {
    public static let entries: [(keys: String, action: String)] = [
        ("↑ ↓  j k", "move the selection (or scroll the focused pane)"),
        ("g G  Home End", "first / last"),
        ("PgUp PgDn  ^b ^f", "page up / down"),
        ("Enter Space", "expand or collapse a tree row"),
        ("← → h l", "collapse / expand; h goes to the parent"),
        ("Tab Shift-Tab", "next / previous pane (tree, detail, diagnostics)"),
        ("Esc", "back: clear the filter, focus the tree, leave a list"),
        ("/", "filter rows by text (!text: rows without it)"),
        (":", "command: kinds (:gw :hr :svc …) :ns :apply :probe :doctor :scenario :theme :q — Tab completes"),
        ("d y c", "detail: Describe, YAML, NGINX config (c again: full config)"),
        ("1-6  [ ]", "detail tabs: Describe YAML Conditions NGINX Events Scenario"),
        ("p", "probe the selection: through the Gateway, then the backend plain and TLS"),
        ("e", "edit the selection in $EDITOR; applied on save, nothing applied if invalid"),
        ("Ctrl-d", "delete the selection (asks first)"),
        ("u", "start / stop the data plane"),
        ("n", "scenario: run the next step and its checks"),
        ("Ctrl-r", "reload now"),
        ("?", "this help"),
        ("q  Ctrl-c", "quit"),
        ("mouse", "click selects a row, a pane or a tab; the wheel scrolls"),
    ]
}
