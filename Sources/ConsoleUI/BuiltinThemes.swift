/// The shipped themes, built into the binary. Generated from themes/*.yaml by scripts/embed-themes.sh (a test keeps
/// them equal).
public enum BuiltinThemes {
    /// Theme file texts by name.
    public static let files: [String: String] = [
        "default": #"""
        # gwconsole theme. Format: docs/console.md#themes. Each role is a colour (the foreground) or a mapping
        # {fg, bg, bold, underline, reverse, dim}. Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
        # bright-NAME, or a 256-palette number (0-255; folded to the nearest basic colour on 8-colour terminals).
        # Roles left out inherit (borderFocus from border, tabActive from selection, title from header, programmed and
        # resolved from accepted, warning from pending, configHighlight from selection, prompt and message from footer).
        name: default
        roles:
          normal: default
          header: {fg: black, bg: cyan, bold: true}
          footer: cyan
          border: blue
          borderFocus: {fg: cyan, bold: true}
          title: {fg: cyan, bold: true}
          selection: {reverse: true}
          dim: {fg: white, dim: true}
          tab: white
          tabActive: {fg: black, bg: cyan}
          prompt: {fg: yellow, bold: true}
          overlay: {fg: white, bg: blue}
          message: yellow
          accepted: green
          programmed: green
          resolved: green
          pending: yellow
          conflicted: magenta
          notAttached: yellow
          error: {fg: red, bold: true}
          warning: yellow
          diffAdd: green
          diffRemove: red
          configDirective: cyan
          configComment: {fg: white, dim: true}
          configString: yellow
          configHighlight: {fg: black, bg: yellow}
        """#,
        "high-contrast": #"""
        # gwconsole theme. Format: docs/console.md#themes. Each role is a colour (the foreground) or a mapping
        # {fg, bg, bold, underline, reverse, dim}. Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
        # bright-NAME, or a 256-palette number (0-255; folded to the nearest basic colour on 8-colour terminals).
        # Roles left out inherit (borderFocus from border, tabActive from selection, title from header, programmed and
        # resolved from accepted, warning from pending, configHighlight from selection, prompt and message from footer).
        # Maximum contrast: bright colours, bold text, no dim roles.
        name: high-contrast
        roles:
          normal: bright-white
          header: {fg: black, bg: bright-white, bold: true}
          footer: {fg: bright-white, bold: true}
          border: bright-white
          borderFocus: {fg: bright-yellow, bold: true}
          title: {fg: bright-yellow, bold: true}
          selection: {fg: black, bg: bright-yellow, bold: true}
          dim: white
          tab: bright-white
          tabActive: {fg: black, bg: bright-white, bold: true}
          prompt: {fg: bright-yellow, bold: true}
          overlay: {fg: bright-white, bg: black, bold: true}
          message: {fg: bright-yellow, bold: true}
          accepted: {fg: bright-green, bold: true}
          programmed: {fg: bright-green, bold: true}
          resolved: {fg: bright-green, bold: true}
          pending: {fg: bright-yellow, bold: true}
          conflicted: {fg: bright-magenta, bold: true}
          notAttached: {fg: bright-yellow, bold: true, underline: true}
          error: {fg: bright-red, bold: true, underline: true}
          warning: {fg: bright-yellow, bold: true}
          diffAdd: {fg: bright-green, bold: true}
          diffRemove: {fg: bright-red, bold: true}
          configDirective: {fg: bright-cyan, bold: true}
          configComment: white
          configString: bright-yellow
          configHighlight: {fg: black, bg: bright-cyan, bold: true}
        """#,
        "light": #"""
        # gwconsole theme. Format: docs/console.md#themes. Each role is a colour (the foreground) or a mapping
        # {fg, bg, bold, underline, reverse, dim}. Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
        # bright-NAME, or a 256-palette number (0-255; folded to the nearest basic colour on 8-colour terminals).
        # Roles left out inherit (borderFocus from border, tabActive from selection, title from header, programmed and
        # resolved from accepted, warning from pending, configHighlight from selection, prompt and message from footer).
        # For terminals with a light background: dark foregrounds.
        name: light
        roles:
          normal: default
          header: {fg: white, bg: 24, bold: true}
          footer: 24
          border: 245
          borderFocus: {fg: 24, bold: true}
          title: {fg: 24, bold: true}
          selection: {fg: black, bg: 153}
          dim: 242
          tab: 238
          tabActive: {fg: white, bg: 24}
          prompt: {fg: 124, bold: true}
          overlay: {fg: black, bg: 254}
          message: 130
          accepted: 28
          programmed: 28
          resolved: 28
          pending: 130
          conflicted: 90
          notAttached: 130
          error: {fg: 160, bold: true}
          warning: 130
          diffAdd: 28
          diffRemove: 160
          configDirective: 25
          configComment: 242
          configString: 94
          configHighlight: {fg: black, bg: 229}
        """#,
        "monochrome": #"""
        # gwconsole theme. Format: docs/console.md#themes. Each role is a colour (the foreground) or a mapping
        # {fg, bg, bold, underline, reverse, dim}. Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
        # bright-NAME, or a 256-palette number (0-255; folded to the nearest basic colour on 8-colour terminals).
        # Roles left out inherit (borderFocus from border, tabActive from selection, title from header, programmed and
        # resolved from accepted, warning from pending, configHighlight from selection, prompt and message from footer).
        # No colours: attributes only (what NO_COLOR also gives).
        name: monochrome
        roles:
          normal: default
          header: {bold: true, reverse: true}
          footer: {bold: true}
          border: default
          borderFocus: {bold: true}
          title: {bold: true}
          selection: {reverse: true}
          dim: {dim: true}
          tab: default
          tabActive: {reverse: true}
          prompt: {bold: true}
          overlay: {reverse: true}
          message: {bold: true}
          accepted: default
          pending: {underline: true}
          conflicted: {bold: true}
          notAttached: {underline: true}
          error: {bold: true, underline: true}
          warning: {bold: true}
          diffAdd: {bold: true}
          diffRemove: {dim: true}
          configDirective: {bold: true}
          configComment: {dim: true}
          configString: default
          configHighlight: {reverse: true}
        """#,
        "solarized-dark": #"""
        # gwconsole theme. Format: docs/console.md#themes. Each role is a colour (the foreground) or a mapping
        # {fg, bg, bold, underline, reverse, dim}. Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
        # bright-NAME, or a 256-palette number (0-255; folded to the nearest basic colour on 8-colour terminals).
        # Roles left out inherit (borderFocus from border, tabActive from selection, title from header, programmed and
        # resolved from accepted, warning from pending, configHighlight from selection, prompt and message from footer).
        # Solarized (dark): base03 234 background, base0 244 text; accents yellow 136, orange 166, red 160, magenta 125,
        # violet 61, blue 33, cyan 37, green 64.
        name: solarized-dark
        roles:
          normal: {fg: 244, bg: 234}
          header: {fg: 234, bg: 33, bold: true}
          footer: {fg: 37, bg: 235}
          border: {fg: 240, bg: 234}
          borderFocus: {fg: 33, bg: 234, bold: true}
          title: {fg: 33, bg: 234, bold: true}
          selection: {fg: 230, bg: 235, bold: true}
          dim: {fg: 240, bg: 234}
          tab: {fg: 240, bg: 234}
          tabActive: {fg: 234, bg: 37}
          prompt: {fg: 136, bg: 235, bold: true}
          overlay: {fg: 245, bg: 235}
          message: {fg: 136, bg: 235}
          accepted: {fg: 64, bg: 234}
          programmed: {fg: 64, bg: 234}
          resolved: {fg: 64, bg: 234}
          pending: {fg: 136, bg: 234}
          conflicted: {fg: 125, bg: 234}
          notAttached: {fg: 166, bg: 234}
          error: {fg: 160, bg: 234, bold: true}
          warning: {fg: 166, bg: 234}
          diffAdd: {fg: 64, bg: 234}
          diffRemove: {fg: 160, bg: 234}
          configDirective: {fg: 33, bg: 234}
          configComment: {fg: 240, bg: 234}
          configString: {fg: 37, bg: 234}
          configHighlight: {fg: 234, bg: 136}
        """#,
    ]
}
