## board: the board page, canvas, toolbar and tool rail, zoom, colours, keyboard shortcuts, connection status, pictures, server errors

# Board page and toolbar
board-toolbar-label = Board tools
board-home-title = All boards
board-title-label = Board title
board-rename-title = Rename this board
board-history-title = History
board-results-title = Voting results
board-voting-title = Dot voting
board-share-button = Share
board-name-dialog-label = Your name
board-cannot-open = This board cannot be opened
board-go-home = Go to the start page
board-stylebar-label = Colours
board-change-refused = The server did not accept a change: { $reason }

# Tools (tool rail: button labels and tooltips)
tool-rail-label = Tools
tool-select = Select
tool-hand = Hand (pan)
tool-sticky = Sticky note
tool-text = Text
tool-rect = Rectangle
tool-ellipse = Ellipse
tool-diamond = Diamond
tool-connector = Connector
tool-pen = Pen
tool-frame = Frame
tool-comment = Comment
tool-undo = Undo
tool-redo = Redo

# Keyboard shortcuts: how keys are written
key-page-up = Page Up
key-page-down = Page Down
key-arrows = Arrow keys
key-shift = Shift
key-ctrl = Ctrl
key-enter = Enter
key-escape = Escape
key-tab = Tab
key-delete = Delete
key-backspace = Backspace
key-gesture-zoom = Ctrl+wheel / pinch
key-gesture-pan = Wheel / two fingers

# Keyboard shortcuts: what each does (help panel)
key-help-select = Select
key-help-hand = Hand: drag to pan (or hold Space)
key-help-sticky = Sticky note
key-help-text = Text
key-help-rect = Rectangle
key-help-ellipse = Ellipse
key-help-diamond = Diamond
key-help-connector = Connector: drag from one element to another; with two selected, connects them
key-help-pen = Pen
key-help-frame = Frame
key-help-comment = Comment (click an element or a spot)
key-help-enter = Edit the selected element's text; with a tool, place it mid-screen
key-help-escape = Stop editing, clear the selection
key-help-tab = Focus the next element
key-help-nudge = Nudge the selection (Shift: 10×); pan when nothing is selected
key-help-delete = Delete the selection
key-help-select-all = Select all
key-help-clipboard = Copy / cut / paste (also between boards)
key-help-duplicate = Duplicate
key-help-undo = Undo your last change
key-help-redo = Redo
key-help-front = Bring to front
key-help-back = Send to back
key-help-zoom-in = Zoom in
key-help-zoom-out = Zoom out
key-help-zoom-pointer = Zoom at the pointer
key-help-pan = Pan
key-help-zoom-fit = Zoom to fit
key-help-zoom-selection = Zoom to selection
key-help-outline = Outline of frames and elements
key-help-lock = Lock or unlock the selection (facilitators)
key-help-help = This help

# Canvas
canvas-label = Board canvas
canvas-empty-editable = This board is empty. Press N and click to add a sticky note, or double-click anywhere.
canvas-empty = This board is empty.
canvas-cut = Cut
canvas-copied = Copied
canvas-resize-handle-title = Drag to resize (Shift keeps proportions)
canvas-frame-title-label = Frame title
# $element: the element's description for screen readers, e.g. "Sticky note: Ideas"
canvas-text-of = Text of { $element }

# Elements
element-frame = Frame
element-frame-numbered = Frame { $number }
element-drawing = Drawing
element-locked = Locked
element-unlocked = Unlocked
element-lock-offline = Locking needs a connection to the server

# Connection status
status-connecting = Connecting…
status-live = Live
status-offline-reconnecting = Offline — reconnecting…
status-offline-kept = Offline — changes are kept on this device
status-closed-unknown-board = This board does not exist (or was deleted).
status-closed-unauthorized = This link is not valid for this board.
status-closed-revoked = This link was revoked. Ask the facilitator for a new one.
status-closed-board-deleted = This board was deleted.
status-closed-going-away = The server is restarting.
# $reason: the server's short technical reason, in English
status-closed-other = Connection closed: { $reason }.
status-connection-lost = Connection lost.

# Zoom
zoom-group-label = Zoom
zoom-out = Zoom out
zoom-in = Zoom in
zoom-fit = Zoom to fit
zoom-reset-title = Zoom to 100%
zoom-reset-label = Zoom to 100 percent
zoom-percent = { $percent }%

# Colours and lock
style-fill-group = Fill colour
style-fill-title = Fill: { $color }
style-fill-label = Fill { $color }
style-line-group = Line colour
style-line-title = Line: { $color }
style-line-label = Line { $color }
style-lock = Lock
style-unlock = Unlock
style-lock-title = Lock or unlock the selection
style-color-yellow = yellow
style-color-orange = orange
style-color-pink = pink
style-color-green = green
style-color-blue = blue
style-color-purple = purple
style-color-grey = grey
style-color-black = black
style-color-red = red
style-color-violet = violet
style-color-white = white

# Pictures
picture-add-title = Add a picture (or paste or drop one)
picture-add-label = Add a picture
picture-add-forbidden = Only editors and facilitators can add pictures.
picture-not-uploaded-title = This picture has not reached the server yet
picture-unreadable = “{ $name }” could not be read.
picture-not-supported = “{ $name }” is not a picture Tafel takes (PNG, JPEG, GIF, WebP or SVG).
picture-damaged = “{ $name }” is damaged or cannot be shown.
# $reason: why the server refused it (already in the page's language)
picture-refused = “{ $name }”: { $reason }
picture-not-kept = “{ $name }” could not be kept on this device while offline.
picture-kept-offline = Offline: the picture is kept on this device and uploaded later.
picture-offline-refused = A picture added offline was not taken: { $reason }

# Errors from the server's API (by its error code)
error-unreachable = The server could not be reached.
error-status = The server answered { $status }.
error-unauthorized = This link is not valid for this board.
error-link-revoked = This link was revoked. Ask the facilitator for a new one.
error-forbidden = Your role does not allow this.
error-not-found = This board, or what was asked of it, does not exist.
error-unknown-template = There is no such template.
error-storage-failure = The server could not save this change. Nothing was changed; try again later.
error-too-large-mb = This file is larger than { $mb } MB, the most one picture may have on this server.
error-too-large = This file is larger than a picture on this server may be.
error-quota-exceeded = This board has no room left for this picture. Delete pictures from the board or ask the server's operator for more room.
error-not-an-image = This file is not a picture Tafel takes (PNG, JPEG, GIF, WebP or SVG), or it is damaged.
