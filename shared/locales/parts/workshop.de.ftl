## workshop: dot voting, timer, private brainstorming, freezing

# Dot voting: the banner while a round is open
vote-default-title = Punkte-Abstimmung
vote-time-up = Zeit ist um
vote-time-left = noch { $time }
vote-banner-title = Abstimmung: { $title }
vote-viewers-watch = Betrachter:innen schauen der Abstimmung zu
vote-left = { $left } von { $total } { $total ->
        [one] Stimme
       *[other] Stimmen
    } übrig
vote-hint-paused = Pausiert: Mit Klicks wählst und verschiebst du wieder
vote-hint-active = Klicke auf ein Element, um einen Punkt zu setzen · klicke auf deinen Punkt (oder Umschalt+Klick), um ihn zurückzunehmen
vote-pause-title = Abstimmung pausieren, um Elemente auszuwählen und zu verschieben
vote-resume = Weiter abstimmen
vote-pause = Pausieren
vote-progress = { $voters } von { $present } { $present ->
        [one] Person
       *[other] Personen
    } { $voters ->
        [one] hat
       *[other] haben
    } abgestimmt · { $finished } fertig
vote-end = Abstimmung beenden

# Dot voting: the facilitator's panel
vote-panel-title = Punkte-Abstimmung
vote-invalid-count = Stimmen pro Person: eine Zahl von 1 bis { $max }.
vote-invalid-time = Zeitlimit: Minuten, mehr als null.
vote-status-open = läuft: { $voters } { $voters ->
        [one] hat
       *[other] haben
    } abgestimmt, { $finished } { $finished ->
        [one] ist
       *[other] sind
    } fertig.
vote-new-round-ends = Eine neue Runde beendet diese.
vote-question-label = Frage
vote-question-placeholder = Welche Idee setzen wir zuerst um?
vote-count-label = Stimmen pro Person
vote-several-label = Mehrere Stimmen pro Element
vote-scope-label = Worauf abgestimmt wird
vote-scope-board = Das ganze Board
vote-scope-frame = Rahmen: { $name }
vote-kinds-label = Elementarten
vote-kinds-notes = Nur Haftnotizen
vote-kinds-all = Notizen, Text, Formen und Bilder
vote-time-label = Zeitlimit in Minuten (optional)
vote-time-placeholder = keins
vote-named-label = Namentlich (zeigen, wer abgestimmt hat)
vote-start = Abstimmung starten
vote-untitled-frame = Rahmen ohne Titel

# Dot voting: results
vote-results-title = Ergebnisse der Abstimmung
vote-no-results = Noch keine Ergebnisse: Sie erscheinen hier, wenn eine Runde endet.
vote-summary = { $votes } { $votes ->
        [one] Stimme
       *[other] Stimmen
    } von { $people } { $people ->
        [one] Person
       *[other] Personen
    } · { $mode ->
        [named] namentlich
       *[anonymous] anonym
    }
vote-round-label = Runde
vote-nobody-voted = In dieser Runde hat niemand abgestimmt.
vote-show-totals = Summen auf dem Board zeigen
vote-download-csv = CSV herunterladen
vote-round-name = Runde { $id }
vote-round-name-titled = Runde { $id }: { $title }
vote-download-failed = Der Download ist nicht gestartet.
vote-deleted-element = (gelöscht)

# Dot voting: on the canvas
vote-not-admitted = Dieses Element gehört nicht zur Abstimmung.
vote-no-dot = Du hast dort keinen Punkt.
vote-badge = { $count } { $count ->
        [one] Stimme
       *[other] Stimmen
    }
vote-badge-named = { $count } { $count ->
        [one] Stimme
       *[other] Stimmen
    }: { $names }
vote-dot-title = Deine Stimme: Klicke, um sie zurückzunehmen
vote-dot-label = Deine Stimme ({ $count }): zurücknehmen

# Timer
timer-invalid-duration = Gib Minuten (5, 1,5) oder m:ss (2:30) ein.
timer-group-label = Timer
timer-sound-off-title = Kein Ton bei null (in diesem Browser): Klicke, um ihn einzuschalten
timer-sound-on-title = Ein leiser Gong bei null: Klicke, um ihn in diesem Browser stummzuschalten
timer-mute-label = Ton des Timers stummschalten
timer-set-five-title = Timer auf fünf Minuten stellen
timer-set-five = 5 Min.
timer-duration-label = Timer-Länge: Minuten oder m:ss
timer-duration-placeholder = m:ss
timer-set-custom-title = Timer auf die eingegebene Länge stellen
timer-set-custom = Stellen
timer-start = Starten
timer-pause = Pausieren
timer-resume = Fortsetzen
timer-add-title = Eine Minute hinzufügen
timer-add = +1 Min.
timer-stop-title = Timer stoppen
timer-stop = Stoppen

# Private brainstorming
private-start-title = Privates Brainstorming: Die neuen Notizen aller bleiben verborgen, bis du sie aufdeckst
private-start = Privat
private-banner-writer = Privates Brainstorming: Deine neuen Notizen siehst nur du
private-banner-reader = Privates Brainstorming: Notizen bleiben verborgen, bis Moderator:innen sie aufdecken
private-counts-label = Verborgene Notizen pro Person
private-count = { $name }: { $count } verborgen
private-anonymous = ohne Namen
private-reveal-title = Alle Notizen aufs Board legen und das private Brainstorming beenden
private-reveal = Aufdecken
private-note-label = Privat – { $label }
private-note-title = Nur du siehst diese Notiz, bis Moderator:innen sie aufdecken
private-resize-title = Ziehen, um die Größe zu ändern (Umschalt behält die Proportionen)
private-editor-label = Text deiner privaten Notiz

# Freezing the board
freeze-freeze-title = Das Board für alle außer Moderator:innen schreibgeschützt machen
freeze-unfreeze-title = Alle wieder bearbeiten lassen
freeze-freeze = Einfrieren
freeze-unfreeze = Auftauen
freeze-banner-facilitator = Das Board ist eingefroren: Nur Moderator:innen können es ändern
freeze-banner = Ein:e Moderator:in hat das Board eingefroren
