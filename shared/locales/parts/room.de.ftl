## room: start page, profile, room controls, agenda, people, hints, panels, board menu, sharing

# Start page
home-tagline = Whiteboards in Echtzeit für Remote-Workshops, auf deinem eigenen Server
home-open-heading = Board öffnen
home-link-placeholder = Board-Link einfügen
home-link-label = Board-Link
home-open-button = Öffnen
home-link-invalid = Das ist kein Tafel-Board-Link. Er sieht so aus: …/b/…#token=…
home-recent-heading = Zuletzt geöffnet
home-untitled-board = Unbenanntes Board
home-recent-role = als { $role }
home-recent-forget-title = Aus dieser Liste entfernen
home-recent-forget-label = „{ $title }“ aus den zuletzt geöffneten Boards entfernen
home-recent-changed = geändert am { $time }
home-recent-changed-by = geändert am { $time } von { $name }
home-templates-heading = Neues Board beginnen
home-import-label = Oder importiere eine Tafel-Datei (aus dem Menü eines Boards exportiert):
home-import-unreadable = Die Datei konnte nicht gelesen werden.

# Your name and colour
profile-heading = Was sollen andere sehen?
profile-name-label = Dein Name
profile-name-placeholder = z. B. Ada von Studio Nord
profile-name-missing = Bitte gib einen Namen ein, damit andere wissen, wer da ist.
profile-colour-legend = Deine Farbe
profile-colour-label = Farbe { $colour }
profile-save = Speichern
profile-skip = Nicht jetzt
profile-appear-as = Andere sehen dich als
profile-change = Ändern
profile-guest-name = Gast

# The room bar, follow bar, present bar and the facilitator's corner
room-bar-label = Raum
room-hand-raise = Hand heben
room-hand-lower-own = Hand senken
room-react = Reagieren
room-agenda-title = Agenda
room-agenda-button = Agenda
room-summon-title = Alle zu dem holen, was du gerade siehst
room-summon = Alle zu mir holen
room-release = Freigeben
room-lead-take-over-title = „Folge mir“ übernehmen
room-lead-title = Alle folgen deiner Ansicht
room-lead = Folge mir
room-present-title = Allen die Rahmen nacheinander zeigen
room-present = Präsentieren
room-cursors-show = Cursor zeigen
room-cursors-hide = Cursor ausblenden
room-following-lead = Du folgst { $name } (Moderator:in)
room-following = Du folgst { $name }
room-follow-stop = Beenden
room-present-where = Rahmen { $index } von { $count }
room-present-exit-title = Präsentation beenden (Esc)
room-present-exit = Fertig
room-hands-label = Gehobene Hände
room-hands-heading = Hände
room-hand-lower-title = Diese Hand senken
room-hand-lower = senken
room-hints-label = Hinweise
room-notice-step = Jetzt: { $step }
room-notice-summoned = { $name } hat alle hierher geholt
room-facilitator-fallback-name = Moderator:in
room-untitled-frame = Unbenannter Rahmen

# Quiet hints for facilitators
hint-votes-in = Alle Stimmen sind abgegeben
hint-idle = Seit { $minutes ->
        [one] einer Minute
       *[other] { $minutes } Minuten
    } hat niemand das Board geändert
hint-not-looking = { $count ->
        [one] { $count } Person schaut
       *[other] { $count } Personen schauen
    } nicht auf den Rahmen des aktuellen Schritts
hint-still-typing = Die Zeit ist um, aber { $count ->
        [one] { $count } Person tippt
       *[other] { $count } Personen tippen
    } noch

# The agenda panel
agenda-title = Agenda
agenda-close = Schließen
agenda-default-step-title = Schritt { $number }
agenda-minutes = { $minutes } Min.
agenda-go-title = Alle zu diesem Schritt holen
agenda-go = Los
agenda-empty-facilitator = Noch keine Schritte: Füge welche hinzu oder lege einen pro Rahmen an.
agenda-empty = Die Moderation hat noch keine Agenda festgelegt.
agenda-next = Nächster Schritt
agenda-add = Schritt hinzufügen
agenda-fill-title = Ein Schritt pro Rahmen, in Lesereihenfolge
agenda-fill = Aus Rahmen füllen
agenda-step-title-label = Titel des Schritts
agenda-frame-label = Rahmen
agenda-no-frame = Kein Rahmen
agenda-minutes-label = Minuten
agenda-minutes-placeholder = Min.
agenda-remove-step = Schritt entfernen

# People on the board
people-hand-raised = Hand gehoben
people-follows = Folgt { $name }
people-follow-name = { $name } folgen
people-me-title = { $name } (du)
people-own-hand-raised = Deine Hand ist gehoben
people-you-follow = Du folgst { $name }
people-strip-label = Personen auf diesem Board
people-button = Personen
people-panel-label = Personen
people-here-now = Gerade da
people-follow = Folgen
people-roster = Alle Teilnehmenden
people-online = online
people-away = abwesend

# Side panels: the frame, keyboard shortcuts, outline
panel-close = Schließen
panel-help-title = Tastenkürzel
panel-outline-title = Gliederung
panel-outline-empty = Das Board ist leer.
panel-outline-outside-frames = Außerhalb von Rahmen

# Sharing
share-title = Board teilen
share-intro = Wer einen Link hat, öffnet das Board mit dessen Rolle – ganz ohne Konto. Wird ein Link widerrufen, werden alle getrennt, die ihn nutzen.
share-replace-question = Link für { $role } ersetzen? Alle, die den aktuellen Link nutzen, werden getrennt und brauchen den neuen.
share-new-link-notice = Neuer Link für { $role } erstellt – der alte funktioniert nicht mehr.
share-link-copied = Link kopiert
share-role-facilitator-what = Moderator:innen leiten das Board: teilen, umbenennen, einfach alles
share-role-editor-what = Bearbeiter:innen fügen alles auf dem Board hinzu und ändern es
share-role-commenter-what = Kommentator:innen sehen alles, können aber nicht zeichnen
share-role-viewer-what = Betrachter:innen schauen nur zu
share-link-label = Link für { $role }
share-copy = Kopieren
share-rotate-title = Neuen Link erstellen – der alte funktioniert dann nicht mehr
share-rotate = Widerrufen & erneuern
share-no-link = Dieses Board ist älter als die gespeicherten Links: Erstelle einen neuen, um es zu teilen.
share-create-link = Neuen Link erstellen

# The board menu
menu-button = Board-Menü
menu-outline = Gliederung
menu-keyboard-shortcuts = Tastenkürzel
menu-export-board = Board exportieren
menu-export-selection = Auswahl exportieren ({ $count })
menu-export-png = Bild (PNG)
menu-export-svg = Bild (SVG)
menu-export-pdf = PDF, eine Seite pro Rahmen
menu-export-md = Markdown für Confluence
menu-export-csv = CSV für Jira
menu-export-json = Tafel-Datei (zum Importieren)
menu-delete-board = Board löschen…
menu-delete-question = „{ $title }“ für alle löschen? Das löscht { $elements ->
        [one] { $elements } Element
       *[other] { $elements } Elemente
    }, { $threads ->
        [one] { $threads } Diskussion
       *[other] { $threads } Diskussionen
    }, { $versions ->
        [one] { $versions } gespeicherte Version
       *[other] { $versions } gespeicherte Versionen
    }, Stimmen, private Notizen und alle Links zum Teilen. Das lässt sich nicht rückgängig machen.
menu-delete-question-no-versions = „{ $title }“ für alle löschen? Das löscht { $elements ->
        [one] { $elements } Element
       *[other] { $elements } Elemente
    }, { $threads ->
        [one] { $threads } Diskussion
       *[other] { $threads } Diskussionen
    }, den Verlauf, Stimmen, private Notizen und alle Links zum Teilen. Das lässt sich nicht rückgängig machen.
