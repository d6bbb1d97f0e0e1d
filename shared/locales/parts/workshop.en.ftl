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
