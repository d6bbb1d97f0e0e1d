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
