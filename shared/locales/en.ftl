# Tafel: the English catalogue. Every key here is also in de.ftl, with the same arguments
# (shared/src/i18n.rs tests it).

## Shared: languages, roles, templates and their frames
lang-name = English
lang-switch-label = Language

role-facilitator = Facilitator
role-editor = Editor
role-commenter = Commenter
role-viewer = Viewer

template-blank = Blank board
template-vision = Vision board
template-business-model-canvas = Business model canvas
template-swot = SWOT analysis
template-role-map = Role map
template-track-think-make = Track → Think → Make
template-retrospective = Retrospective

frame-vision-today = Where we are today
frame-vision-goal = Where we want to be
frame-vision-why = Why it matters
frame-vision-success = What success looks like
frame-bmc-partners = Key partners
frame-bmc-activities = Key activities
frame-bmc-resources = Key resources
frame-bmc-value = Value propositions
frame-bmc-relationships = Customer relationships
frame-bmc-channels = Channels
frame-bmc-segments = Customer segments
frame-bmc-costs = Cost structure
frame-bmc-revenue = Revenue streams
frame-swot-strengths = Strengths
frame-swot-weaknesses = Weaknesses
frame-swot-opportunities = Opportunities
frame-swot-threats = Threats
frame-roles-actors = Actors
frame-roles-roles = Their roles
frame-roles-views = How they see it
frame-roles-decides = Who decides
frame-phases-track = Track: analyse the status quo
frame-phases-think = Think: vision, strategy, concept
frame-phases-make = Make: build
frame-retro-well = Went well
frame-retro-improve = To improve
frame-retro-actions = Actions

## board: the board page, canvas, toolbar and tool rail, zoom, colours, keyboard shortcuts, connection status, pictures, server errors

# Board page and toolbar
board-toolbar-label = Board tools
board-home-title = All boards
board-title-label = Board title
board-rename-title = Rename this board
board-retention-notice = This board will be deleted on { $date } unless someone changes it before.
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
element-frame-locked-note = {" "}· locked
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

## room: start page, profile, room controls, agenda, people, hints, panels, board menu, sharing

# Start page
home-tagline = Real-time whiteboards for remote workshops, on your own server
home-open-heading = Open a board
home-link-placeholder = Paste a board link
home-link-label = Board link
home-open-button = Open
home-link-invalid = That is not a Tafel board link. It looks like …/b/…#token=…
home-recent-heading = Recent boards
home-untitled-board = Untitled board
home-recent-role = as { $role }
home-recent-forget-title = Remove from this list
home-recent-forget-label = Remove { $title } from recent boards
home-recent-changed = changed { $time }
home-recent-changed-by = changed { $time } by { $name }
home-templates-heading = Start a new board
home-import-label = Or import a Tafel file (exported from a board's menu):
home-import-unreadable = The file could not be read.

# Your name and colour
profile-heading = What should others see?
profile-name-label = Your name
profile-name-placeholder = e.g. Ada from Studio Nord
profile-name-missing = Please enter a name, so others know who is here.
profile-colour-legend = Your colour
profile-colour-label = Colour { $colour }
profile-save = Save
profile-skip = Not now
profile-appear-as = You appear as
profile-change = Change
profile-guest-name = Guest

# The room bar, follow bar, present bar and the facilitator's corner
room-bar-label = Room
room-hand-raise = Raise your hand
room-hand-lower-own = Lower your hand
room-react = React
room-agenda-title = Agenda
room-agenda-button = Agenda
room-summon-title = Bring everyone to what you see
room-summon = Bring everyone here
room-release = Release
room-lead-take-over-title = Take over follow-me
room-lead-title = Everyone follows your view
room-lead = Everyone follow me
room-present-title = Show the frames one by one to everyone
room-present = Present
room-cursors-show = Show cursors
room-cursors-hide = Hide cursors
room-following-lead = Following { $name } (facilitator)
room-following = Following { $name }
room-follow-stop = Stop
room-present-where = Frame { $index } of { $count }
room-present-exit-title = Leave present mode (Esc)
room-present-exit = Done
room-hands-label = Raised hands
room-hands-heading = Hands
room-hand-lower-title = Lower this hand
room-hand-lower = lower
room-hints-label = Hints
room-notice-step = Now: { $step }
room-notice-summoned = { $name } brought everyone here
room-facilitator-fallback-name = Facilitator
room-untitled-frame = Untitled frame

# Quiet hints for facilitators
hint-votes-in = All votes are in
hint-idle = Nobody has changed the board for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }
hint-not-looking = { $count ->
        [one] { $count } person is
       *[other] { $count } people are
    } not looking at the current step's frame
hint-still-typing = Time is up and { $count ->
        [one] { $count } person is
       *[other] { $count } people are
    } still typing

# The agenda panel
agenda-title = Agenda
agenda-close = Close
agenda-default-step-title = Step { $number }
agenda-minutes = { $minutes } min
agenda-go-title = Take everyone to this step
agenda-go = Go
agenda-empty-facilitator = No steps yet: add some, or make one per frame.
agenda-empty = The facilitator has not set an agenda.
agenda-next = Next step
agenda-add = Add step
agenda-fill-title = One step per frame, in reading order
agenda-fill = Fill from frames
agenda-step-title-label = Step title
agenda-frame-label = Frame
agenda-no-frame = No frame
agenda-minutes-label = Minutes
agenda-minutes-placeholder = min
agenda-remove-step = Remove step

# People on the board
people-hand-raised = Hand raised
people-follows = Follows { $name }
people-follow-name = Follow { $name }
people-me-title = { $name } (you)
people-own-hand-raised = Your hand is raised
people-you-follow = You follow { $name }
people-strip-label = People on this board
people-button = People
people-panel-label = People
people-here-now = Here now
people-follow = Follow
people-roster = Roster
people-online = online
people-away = away

# Side panels: the frame, keyboard shortcuts, outline
panel-close = Close
panel-help-title = Keyboard shortcuts
panel-outline-title = Outline
panel-outline-empty = The board is empty.
panel-outline-outside-frames = Outside frames

# Sharing
share-title = Share this board
share-intro = Anyone with a link can open the board with that role, no account needed. Revoking a link disconnects everyone using it.
share-replace-question = Replace the { $role } link? Everyone using the current one is disconnected and needs the new link.
share-new-link-notice = New { $role } link created; the old one no longer works.
share-link-copied = Link copied
share-role-facilitator-what = Facilitators run the board: share, rename, everything
share-role-editor-what = Editors add and change everything on the board
share-role-commenter-what = Commenters see everything but cannot draw
share-role-viewer-what = Viewers only look
share-link-label = { $role } link
share-copy = Copy
share-rotate-title = Make a new link; the old one stops working
share-rotate = Revoke & renew
share-no-link = This board is older than kept links: make a new one to share it.
share-create-link = Create a new link

# The board menu
menu-button = Board menu
menu-outline = Outline
menu-keyboard-shortcuts = Keyboard shortcuts
menu-export-board = Export the board
menu-export-selection = Export the selection ({ $count })
menu-export-png = Picture (PNG)
menu-export-svg = Picture (SVG)
menu-export-pdf = PDF, a page per frame
menu-export-md = Markdown for Confluence
menu-export-csv = CSV for Jira
menu-export-json = Tafel file (to import)
menu-delete-board = Delete board…
menu-delete-question = Delete “{ $title }” for everyone? This erases { $elements ->
        [one] { $elements } element
       *[other] { $elements } elements
    }, { $threads ->
        [one] { $threads } comment thread
       *[other] { $threads } comment threads
    }, { $versions ->
        [one] { $versions } saved version
       *[other] { $versions } saved versions
    }, votes, private notes and every share link. It cannot be undone.
menu-delete-question-no-versions = Delete “{ $title }” for everyone? This erases { $elements ->
        [one] { $elements } element
       *[other] { $elements } elements
    }, { $threads ->
        [one] { $threads } comment thread
       *[other] { $threads } comment threads
    }, its history, votes, private notes and every share link. It cannot be undone.

## review: comments, history, since your last visit

# Dates and times
review-date = { $day }.{ $month }.{ $year }
review-date-time = { $day }.{ $month }.{ $year }, { $hour }:{ $minute }

# Comments: how long ago
comments-time-just-now = just now
comments-time-minutes-ago = { $minutes } min ago
comments-time-hours-ago = { $hours } h ago

# Comments: pins, composer and thread
comments-pin-label = Comment thread, { $count ->
        [one] { $count } comment
       *[other] { $count } comments
    }
comments-composer-label = New comment
comments-composer-placeholder = Add a comment… (@ to mention)
comments-composer-send = Comment
comments-thread-label = Comment thread
comments-resolved-by = Resolved by { $name }
comments-reopen = Reopen
comments-resolve = Resolve
comments-close = Close
comments-element-deleted = Element deleted
comments-reply-placeholder = Reply… (@ to mention)
comments-reply-send = Reply
comments-deleted-comment = This comment was deleted.
comments-delete-confirm = Delete this comment?
comments-edited = (edited)
comments-edit = Edit
comments-delete = Delete
comments-edit-placeholder = Edit your comment
comments-edit-save = Save
comments-mention-list-label = People
comments-cancel = Cancel

# Comments: the panel
comments-panel-title = Comments
comments-filter-label = Show
comments-filter-open = Open
comments-filter-resolved = Resolved
comments-filter-mine = Mine
comments-filter-mentions = Mentioning me
comments-show-resolved = Resolved pins on the board
comments-mark-all-read = Mark all as read
comments-empty = No comments here yet. Pick the comment tool (C) and click an element or a spot.
comments-row-deleted = (deleted)
comments-row-unread = unread
comments-row-replies = { $count ->
        [one] { $count } reply
       *[other] { $count } replies
    }
comments-row-resolved-by = resolved by { $name }
comments-row-element-deleted = element deleted
comments-button-title = Comments
comments-button-label = Comments, { $count } unread

# History
history-panel-title = History
history-last-changed = Last changed { $time }
history-last-changed-by = Last changed { $time } by { $name }
history-counts-title = added, changed, removed
history-rename = Rename
history-name = Name
history-rename-label = Version name
history-rename-save = Save
history-save-label = Name of this version
history-save-placeholder = Name this moment, e.g. “After day 1”
history-save-button = Save version
history-empty = No versions yet. The server keeps one every few minutes while people work, and when everyone has left.
history-view-empty = The board was empty then.
history-bar-label = Earlier version
history-viewing = Viewing: { $name }
history-read-only = read-only
history-read-only-with = read-only · { $names }
history-slider-label = Move through time
history-restore = Restore this version
history-restore-new = As a new board
history-leave = Back to the live board
history-saved-as = Saved as “{ $name }”
history-restore-confirm = Restore “{ $name }” for everyone? The board as it is now is kept as a version, so you can go back.
history-restored = Restored. The board before is kept as “{ $name }”.

# Since your last visit
since-bar-label = Since your last visit
since-count = { $count ->
        [one] { $count } change
       *[other] { $count } changes
    } since your last visit
since-position = { $current } of { $total }
since-previous = Previous change
since-next = Next change
since-list = List
since-mark-all-seen = Mark all as seen
since-someone = Someone
since-item-added = { $who } added { $label }
since-item-changed = { $who } changed { $label }
since-item-removed = { $who } removed { $label }
since-tag-added = { $who } added
since-tag-changed = { $who } changed
since-tag-removed = { $who } removed

## workshop: dot voting, timer, private brainstorming, freezing

# Dot voting: the banner while a round is open
vote-default-title = Dot voting
vote-time-up = time is up
vote-time-left = { $time } left
vote-banner-title = Voting: { $title }
vote-viewers-watch = Viewers watch the vote
vote-left = { $left } of { $total } { $total ->
        [one] vote
       *[other] votes
    } left
vote-hint-paused = Paused: clicks select and move again
vote-hint-active = Click an element to place a dot · click your dot (or Shift+click) to take it back
vote-pause-title = Pause voting to select and move elements
vote-resume = Resume voting
vote-pause = Pause
vote-progress = { $voters } of { $present } { $present ->
        [one] person
       *[other] people
    } voted · { $finished } finished
vote-end = End voting

# Dot voting: the facilitator's panel
vote-panel-title = Dot voting
vote-invalid-count = Votes per person: a number from 1 to { $max }.
vote-invalid-time = Time limit: minutes, more than zero.
vote-status-open = is open: { $voters } voted, { $finished } finished.
vote-new-round-ends = Starting a new round ends this one.
vote-question-label = Question
vote-question-placeholder = Which idea do we build first?
vote-count-label = Votes per person
vote-several-label = Several votes on one element
vote-scope-label = What can get votes
vote-scope-board = The whole board
vote-scope-frame = Frame: { $name }
vote-kinds-label = Kinds
vote-kinds-notes = Sticky notes only
vote-kinds-all = Notes, text, shapes and images
vote-time-label = Time limit in minutes (optional)
vote-time-placeholder = none
vote-named-label = Named (show who voted)
vote-start = Start voting
vote-untitled-frame = Untitled frame

# Dot voting: results
vote-results-title = Voting results
vote-no-results = No results yet: they show here when a round ends.
vote-summary = { $votes } { $votes ->
        [one] vote
       *[other] votes
    } from { $people } { $people ->
        [one] person
       *[other] people
    } · { $mode ->
        [named] named
       *[anonymous] anonymous
    }
vote-round-label = Round
vote-nobody-voted = Nobody voted in this round.
vote-show-totals = Show totals on the board
vote-download-csv = Download CSV
vote-round-name = Round { $id }
vote-round-name-titled = Round { $id }: { $title }
vote-download-failed = The download did not start.
vote-deleted-element = (deleted)

# Dot voting: on the canvas
vote-not-admitted = This element is not part of the vote.
vote-no-dot = You have no dot there.
vote-badge = { $count } { $count ->
        [one] vote
       *[other] votes
    }
vote-badge-named = { $count } { $count ->
        [one] vote
       *[other] votes
    }: { $names }
vote-dot-title = Your vote: click to take it back
vote-dot-label = Your vote ({ $count }): take it back

# Timer
timer-invalid-duration = Type minutes (5, 1.5) or m:ss (2:30).
timer-group-label = Timer
timer-sound-off-title = Sound off at zero (this browser): click to turn it on
timer-sound-on-title = A soft chime at zero: click to mute it on this browser
timer-mute-label = Mute the timer's sound
timer-set-five-title = Set a five-minute timer
timer-set-five = 5 min
timer-duration-label = Timer length: minutes or m:ss
timer-duration-placeholder = m:ss
timer-set-custom-title = Set the timer to the typed length
timer-set-custom = Set
timer-start = Start
timer-pause = Pause
timer-resume = Resume
timer-add-title = Add a minute
timer-add = +1 min
timer-stop-title = Stop the timer
timer-stop = Stop

# Private brainstorming
private-start-title = Private brainstorming: everyone's new notes stay hidden until you reveal them
private-start = Private
private-banner-writer = Private brainstorming: your new notes are visible to you only
private-banner-reader = Private brainstorming: notes stay hidden until the facilitator reveals them
private-counts-label = Hidden notes per person
private-count = { $name }: { $count } hidden
private-anonymous = without names
private-reveal-title = Put everyone's notes on the board and end private mode
private-reveal = Reveal
private-note-label = Your private { $label }
private-note-title = Only you see this note until the facilitator reveals it
private-resize-title = Drag to resize (Shift keeps proportions)
private-editor-label = Text of your private note

# Freezing the board
freeze-freeze-title = Make the board read-only for everyone but facilitators
freeze-unfreeze-title = Let everyone edit again
freeze-freeze = Freeze
freeze-unfreeze = Unfreeze
freeze-banner-facilitator = The board is frozen: only facilitators can change it
freeze-banner = The facilitator has frozen the board

## Refusals of actions, by code (for interfaces not in English; English shows the server's own reason)
refusal-forbidden = Your role may not do this.
refusal-wrong-document = This cannot be done here.
refusal-invalid-argument = That value is not possible here.
refusal-not-now = That is not possible right now.
refusal-limit-reached = You have reached the limit for this.
refusal-not-found = That no longer exists.

## Arranging: align, distribute, tidy, group, connector routing, snapping
arrange-align-group = Align
arrange-align-left = Align left edges
arrange-align-center = Align centres across
arrange-align-right = Align right edges
arrange-align-top = Align top edges
arrange-align-middle = Align middles
arrange-align-bottom = Align bottom edges
arrange-distribute-horizontal = Space evenly across
arrange-distribute-vertical = Space evenly down
arrange-tidy = Tidy into a grid
arrange-group = Group
arrange-ungroup = Ungroup
arrange-grouped = Grouped: they now move and select together
arrange-ungrouped = Ungrouped
arrange-grid = Snap to grid
arrange-grid-on = Snapping to the grid
arrange-grid-off = No longer snapping to the grid
arrange-route-group = Connector line
arrange-route-straight = Straight line
arrange-route-elbow = Elbow line
arrange-route-curved = Curved line
canvas-end-handle-title = Drag to attach this end to another element, or drop it on the board to free it
key-help-group = Group the selection
key-help-ungroup = Ungroup the selection
key-help-grid = Snap to the grid on or off
key-help-free-move = Move without snapping
key-gesture-alt-drag = Alt + drag
type-size-group = Text size
type-size-s = Small text
type-size-m = Medium text
type-size-l = Large text
type-size-xl = Extra large text

## Guiding questions of template frames (shown quietly inside each frame)
frame-vision-today-hint = Where do we stand today? What works, what holds us back?
frame-vision-goal-hint = Where do we want to be in three years? What is different then?
frame-vision-why-hint = Why does it matter, and to whom? What happens if we do nothing?
frame-vision-success-hint = How will we know we got there? Which pictures, numbers or stories show it?
frame-bmc-partners-hint = Who are our key partners? Who are our key suppliers? What do they do for us?
frame-bmc-activities-hint = Which key activities does our value proposition need? Our channels? Our customer relationships?
frame-bmc-resources-hint = Which key resources does our value proposition need: people, knowledge, money, things?
frame-bmc-value-hint = What value do we deliver? Which customer problem do we solve? Which needs do we meet?
frame-bmc-relationships-hint = What relationship does each customer segment expect from us? How do we keep it?
frame-bmc-channels-hint = Through which channels do our customers want to be reached? Which work best?
frame-bmc-segments-hint = For whom do we create value? Who are our most important customers?
frame-bmc-costs-hint = What are the most important costs? Which resources and activities are the most expensive?
frame-bmc-revenue-hint = For what value are our customers willing to pay? How do they pay now, and how would they like to?
frame-swot-strengths-hint = What do we do well? What do others see as our strengths?
frame-swot-weaknesses-hint = What could we improve? Where do we lack skills or resources?
frame-swot-opportunities-hint = Which trends or changes could we use? Which doors are open?
frame-swot-threats-hint = What could hurt us? What are competitors doing? Which risks do we see?
frame-roles-actors-hint = Who is involved in the project, at the agency and at the client? Place each as a card.
frame-roles-roles-hint = Which role does each actor play? Which role do they think they play?
frame-roles-views-hint = How does each actor see the project? What do they hope for, what do they fear?
frame-roles-decides-hint = Who decides what? Who only thinks they decide? Where does a decision get stuck?
frame-roles-reality-hint = What really happens in the collaboration? What would we change first?
frame-phases-track-hint = What do we know about the status quo? Which data, interviews and observations do we have?
frame-phases-think-hint = What is our vision? Which strategy and concept follow from it?
frame-phases-make-hint = What do we build first? Who does it, and by when?
frame-retro-well-hint = What went well? What do we want to keep?
frame-retro-improve-hint = What was difficult? What should we do differently?
frame-retro-actions-hint = Which concrete steps do we take next, and who owns each one?

## How-to for the facilitator, per template (in the agenda panel)
template-vision-howto = Start with today, in silence, five minutes. Then the goal and why it matters; cluster and dot-vote the success pictures last.
template-business-model-canvas-howto = Fill the canvas from the right (segments, value) to the left (partners, costs). One note per idea; use private mode for the value propositions.
template-swot-howto = Give each quadrant five minutes of private notes, reveal, cluster, then dot-vote the two opportunities and threats that matter most.
template-role-map-howto = Name the actors first: move the starter cards, add the missing ones, connect who works with whom. Then let each side say how it sees its role; end with who decides.
template-track-think-make-howto = Work the phases in order: Track collects facts, Think turns them into vision and concept, Make plans what gets built. Lock a phase when it is done.
template-retrospective-howto = Ten minutes per column: write in private mode, reveal, group similar notes, dot-vote, and turn the top topics into actions with an owner.
agenda-howto = How to run this workshop

## Starter cards of the role map
roles-lane-agency = Agency
roles-lane-client = Client
roles-actor-agency-lead = Agency project lead
roles-actor-agency-team = Design and development team
roles-actor-client-decider = Decision maker
roles-actor-client-owner = Product owner
roles-actor-client-team = Client teams
roles-relation-works-with = works with
roles-relation-reports-to = reports to
frame-roles-reality = What really happens

## The server's own templates
menu-save-template = Save as template…
template-save-title = Save as template
template-save-intro = Everyone on this server can start a board from it on the start page.
template-save-name = Name
template-save-description = What it is for
template-save-only-frame = Only the frame “{ $frame }” and what it holds
template-save-button = Save template
template-save-name-missing = A template needs a name.
template-saved = Saved as template: it is on the start page now
home-saved-templates-heading = Your organisation's templates
home-saved-template-delete = Delete template
home-saved-template-delete-question = Delete the template “{ $name }”? Boards made from it stay.
home-saved-template-rename = Rename template
home-saved-template-rename-question = New name for the template

## Context menu (right click, or a long press on a tablet)
context-menu-label = Actions
context-edit = Edit text
context-duplicate = Duplicate
context-front = Bring to front
context-back = Send to back
context-delete = Delete
context-zoom = Zoom to it

## Formatting bar over a note being edited
format-bar-label = Formatting
format-bold = Bold (Ctrl+B)
format-italic = Italic (Ctrl+I)
format-strike = Strike through (Ctrl+Shift+X)
format-bullets = Bulleted list
format-numbers = Numbered list
format-link = Link (select the words first)
format-link-question = Link address (https://, http:// or mailto:); empty removes the link
format-link-select-first = Select the words to link first.
format-link-refused = Only https://, http:// and mailto: addresses can be links.
error-rate-limited = Too many of these from here just now. Wait a minute and try again.
home-operator-needed = On this server, only its operator creates boards. Enter the operator token to go on (it is kept in this tab only).
home-operator-label = Operator token
home-operator-create = Create the board
home-operator-wrong = That operator token is not right.
