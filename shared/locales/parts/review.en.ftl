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
