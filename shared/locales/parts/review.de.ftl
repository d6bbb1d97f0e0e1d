## review: Kommentare, Verlauf, seit deinem letzten Besuch

# Datum und Uhrzeit
review-date = { $day }.{ $month }.{ $year }
review-date-time = { $day }.{ $month }.{ $year }, { $hour }:{ $minute }

# Kommentare: wie lange her
comments-time-just-now = gerade eben
comments-time-minutes-ago = vor { $minutes } Min.
comments-time-hours-ago = vor { $hours } Std.

# Kommentare: Pins, neuer Kommentar und Diskussion
comments-pin-label = Diskussion, { $count ->
        [one] { $count } Kommentar
       *[other] { $count } Kommentare
    }
comments-composer-label = Neuer Kommentar
comments-composer-placeholder = Kommentar schreiben … (@ zum Erwähnen)
comments-composer-send = Kommentieren
comments-thread-label = Diskussion
comments-resolved-by = Erledigt von { $name }
comments-reopen = Wieder öffnen
comments-resolve = Erledigen
comments-close = Schließen
comments-element-deleted = Element gelöscht
comments-reply-placeholder = Antworten … (@ zum Erwähnen)
comments-reply-send = Antworten
comments-deleted-comment = Dieser Kommentar wurde gelöscht.
comments-delete-confirm = Diesen Kommentar löschen?
comments-edited = (bearbeitet)
comments-edit = Bearbeiten
comments-delete = Löschen
comments-edit-placeholder = Kommentar bearbeiten
comments-edit-save = Speichern
comments-mention-list-label = Personen
comments-cancel = Abbrechen

# Kommentare: das Panel
comments-panel-title = Kommentare
comments-filter-label = Anzeigen
comments-filter-open = Offen
comments-filter-resolved = Erledigt
comments-filter-mine = Meine
comments-filter-mentions = Erwähnt mich
comments-show-resolved = Erledigte Kommentare auf dem Board
comments-mark-all-read = Alle als gelesen markieren
comments-empty = Hier gibt es noch keine Kommentare. Wähle das Kommentar-Werkzeug (C) und klicke auf ein Element oder eine freie Stelle.
comments-row-deleted = (gelöscht)
comments-row-unread = ungelesen
comments-row-replies = { $count ->
        [one] { $count } Antwort
       *[other] { $count } Antworten
    }
comments-row-resolved-by = erledigt von { $name }
comments-row-element-deleted = Element gelöscht
comments-button-title = Kommentare
comments-button-label = Kommentare, { $count } ungelesen

# Verlauf
history-panel-title = Verlauf
history-last-changed = Zuletzt geändert am { $time }
history-last-changed-by = Zuletzt geändert am { $time } von { $name }
history-counts-title = hinzugefügt, geändert, entfernt
history-rename = Umbenennen
history-name = Benennen
history-rename-label = Name der Version
history-rename-save = Speichern
history-save-label = Name dieser Version
history-save-placeholder = Benenne diesen Moment, z. B. „Nach Tag 1“
history-save-button = Version speichern
history-empty = Noch keine Versionen. Der Server speichert alle paar Minuten eine, während gearbeitet wird, und wenn alle gegangen sind.
history-view-empty = Das Board war zu diesem Zeitpunkt leer.
history-bar-label = Frühere Version
history-viewing = Ansicht: { $name }
history-read-only = schreibgeschützt
history-read-only-with = schreibgeschützt · { $names }
history-slider-label = Durch die Zeit bewegen
history-restore = Diese Version wiederherstellen
history-restore-new = Als neues Board
history-leave = Zurück zum Live-Board
history-saved-as = Gespeichert als „{ $name }“
history-restore-confirm = „{ $name }“ für alle wiederherstellen? Das Board, wie es jetzt ist, wird als Version gespeichert, sodass du zurückkehren kannst.
history-restored = Wiederhergestellt. Das vorherige Board ist als „{ $name }“ gespeichert.

# Seit deinem letzten Besuch
since-bar-label = Seit deinem letzten Besuch
since-count = { $count ->
        [one] { $count } Änderung
       *[other] { $count } Änderungen
    } seit deinem letzten Besuch
since-position = { $current } von { $total }
since-previous = Vorherige Änderung
since-next = Nächste Änderung
since-list = Liste
since-mark-all-seen = Alle als gesehen markieren
since-someone = Jemand
since-item-added = { $who } hat hinzugefügt – { $label }
since-item-changed = { $who } hat geändert – { $label }
since-item-removed = { $who } hat entfernt – { $label }
since-tag-added = { $who } hat hinzugefügt
since-tag-changed = { $who } hat geändert
since-tag-removed = { $who } hat entfernt
