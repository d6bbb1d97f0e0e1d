# Tafel: der deutsche Katalog. Jeder Schlüssel hier steht auch in en.ftl, mit denselben Argumenten
# (shared/src/i18n.rs prüft das).

## Shared: languages, roles, templates and their frames
lang-name = Deutsch
lang-switch-label = Sprache

role-facilitator = Moderator:in
role-editor = Bearbeiter:in
role-commenter = Kommentator:in
role-viewer = Betrachter:in

template-blank = Leeres Board
template-vision = Vision Board
template-business-model-canvas = Business Model Canvas
template-swot = SWOT-Analyse
template-role-map = Rollenlandkarte
template-track-think-make = Track → Think → Make
template-retrospective = Retrospektive

frame-vision-today = Wo wir heute stehen
frame-vision-goal = Wo wir hinwollen
frame-vision-why = Warum es wichtig ist
frame-vision-success = Woran wir Erfolg erkennen
frame-bmc-partners = Schlüsselpartner
frame-bmc-activities = Schlüsselaktivitäten
frame-bmc-resources = Schlüsselressourcen
frame-bmc-value = Wertangebote
frame-bmc-relationships = Kundenbeziehungen
frame-bmc-channels = Kanäle
frame-bmc-segments = Kundensegmente
frame-bmc-costs = Kostenstruktur
frame-bmc-revenue = Einnahmequellen
frame-swot-strengths = Stärken
frame-swot-weaknesses = Schwächen
frame-swot-opportunities = Chancen
frame-swot-threats = Risiken
frame-roles-actors = Akteure
frame-roles-roles = Ihre Rollen
frame-roles-views = Wie sie es sehen
frame-roles-decides = Wer entscheidet
frame-phases-track = Track: Status quo analysieren
frame-phases-think = Think: Vision, Strategie, Konzept
frame-phases-make = Make: umsetzen
frame-retro-well = Lief gut
frame-retro-improve = Verbessern
frame-retro-actions = Maßnahmen

## board: Board-Seite, Fläche, Werkzeugleisten, Zoom, Farben, Tastenkürzel, Verbindungsstatus, Bilder, Serverfehler

# Board-Seite und Werkzeugleiste
board-toolbar-label = Board-Werkzeuge
board-home-title = Alle Boards
board-title-label = Board-Titel
board-rename-title = Board umbenennen
board-retention-notice = Dieses Board wird am { $date } gelöscht, wenn es bis dahin niemand ändert.
board-history-title = Verlauf
board-results-title = Abstimmungsergebnisse
board-voting-title = Punkte-Abstimmung
board-share-button = Teilen
board-name-dialog-label = Dein Name
board-cannot-open = Dieses Board lässt sich nicht öffnen
board-go-home = Zur Startseite
board-stylebar-label = Farben
board-change-refused = Der Server hat eine Änderung nicht angenommen: { $reason }

# Werkzeuge (Werkzeugleiste: Beschriftungen und Tooltips)
tool-rail-label = Werkzeuge
tool-select = Auswählen
tool-hand = Hand (Ansicht verschieben)
tool-sticky = Haftnotiz
tool-text = Text
tool-rect = Rechteck
tool-ellipse = Ellipse
tool-diamond = Raute
tool-connector = Verbindung
tool-pen = Stift
tool-frame = Rahmen
tool-comment = Kommentar
tool-undo = Rückgängig
tool-redo = Wiederholen

# Tastenkürzel: wie Tasten geschrieben werden
key-page-up = Bild ↑
key-page-down = Bild ↓
key-arrows = Pfeiltasten
key-shift = Umschalt
key-ctrl = Strg
key-enter = Eingabe
key-escape = Esc
key-tab = Tab
key-delete = Entf
key-backspace = Rücktaste
key-gesture-zoom = Strg+Mausrad / Finger spreizen
key-gesture-pan = Mausrad / zwei Finger

# Tastenkürzel: was sie tun (Hilfe)
key-help-select = Auswählen
key-help-hand = Hand: ziehen, um die Ansicht zu verschieben (oder Leertaste halten)
key-help-sticky = Haftnotiz
key-help-text = Text
key-help-rect = Rechteck
key-help-ellipse = Ellipse
key-help-diamond = Raute
key-help-connector = Verbindung: von einem Element zu einem anderen ziehen; sind zwei ausgewählt, werden sie verbunden
key-help-pen = Stift
key-help-frame = Rahmen
key-help-comment = Kommentar (auf ein Element oder eine Stelle klicken)
key-help-enter = Text des ausgewählten Elements bearbeiten; mit einem Werkzeug: in der Bildschirmmitte platzieren
key-help-escape = Bearbeiten beenden, Auswahl aufheben
key-help-tab = Zum nächsten Element springen
key-help-nudge = Auswahl verschieben (Umschalt: 10×); ohne Auswahl die Ansicht verschieben
key-help-delete = Auswahl löschen
key-help-select-all = Alles auswählen
key-help-clipboard = Kopieren / Ausschneiden / Einfügen (auch zwischen Boards)
key-help-duplicate = Duplizieren
key-help-undo = Deine letzte Änderung rückgängig machen
key-help-redo = Wiederholen
key-help-front = In den Vordergrund
key-help-back = In den Hintergrund
key-help-zoom-in = Vergrößern
key-help-zoom-out = Verkleinern
key-help-zoom-pointer = Am Mauszeiger zoomen
key-help-pan = Ansicht verschieben
key-help-zoom-fit = Alles zeigen
key-help-zoom-selection = Auswahl zeigen
key-help-outline = Gliederung der Rahmen und Elemente
key-help-lock = Auswahl sperren oder entsperren (Moderator:innen)
key-help-help = Diese Hilfe

# Fläche
canvas-label = Board-Fläche
canvas-empty-editable = Dieses Board ist leer. Drücke N und klicke, um eine Haftnotiz hinzuzufügen, oder doppelklicke irgendwo.
canvas-empty = Dieses Board ist leer.
canvas-cut = Ausgeschnitten
canvas-copied = Kopiert
canvas-resize-handle-title = Ziehen, um die Größe zu ändern (Umschalt behält die Proportionen)
canvas-frame-title-label = Rahmentitel
# $element: die Beschreibung des Elements für Screenreader, z. B. „Sticky note: Ideen“
canvas-text-of = Text von { $element }

# Elemente
element-frame = Rahmen
element-frame-numbered = Rahmen { $number }
element-drawing = Zeichnung
element-locked = Gesperrt
element-frame-locked-note = {" "}· gesperrt
element-unlocked = Entsperrt
element-lock-offline = Zum Sperren braucht es eine Verbindung zum Server

# Verbindungsstatus
status-connecting = Verbinde…
status-live = Live
status-offline-reconnecting = Offline – verbinde neu…
status-offline-kept = Offline – Änderungen bleiben auf diesem Gerät
status-closed-unknown-board = Dieses Board gibt es nicht (oder es wurde gelöscht).
status-closed-unauthorized = Dieser Link gilt nicht für dieses Board.
status-closed-revoked = Dieser Link wurde widerrufen. Bitte eine:n Moderator:in um einen neuen.
status-closed-board-deleted = Dieses Board wurde gelöscht.
status-closed-going-away = Der Server startet neu.
# $reason: der kurze technische Grund des Servers, auf Englisch
status-closed-other = Verbindung beendet: { $reason }.
status-connection-lost = Verbindung verloren.

# Zoom
zoom-group-label = Zoom
zoom-out = Verkleinern
zoom-in = Vergrößern
zoom-fit = Alles zeigen
zoom-reset-title = Auf 100 % zoomen
zoom-reset-label = Auf 100 Prozent zoomen
zoom-percent = { $percent } %

# Farben und Sperren
style-fill-group = Füllfarbe
style-fill-title = Füllung: { $color }
style-fill-label = Füllung { $color }
style-line-group = Linienfarbe
style-line-title = Linie: { $color }
style-line-label = Linie { $color }
style-lock = Sperren
style-unlock = Entsperren
style-lock-title = Auswahl sperren oder entsperren
style-color-yellow = Gelb
style-color-orange = Orange
style-color-pink = Rosa
style-color-green = Grün
style-color-blue = Blau
style-color-purple = Lila
style-color-grey = Grau
style-color-black = Schwarz
style-color-red = Rot
style-color-violet = Violett
style-color-white = Weiß

# Bilder
picture-add-title = Bild hinzufügen (oder eines einfügen oder hineinziehen)
picture-add-label = Bild hinzufügen
picture-add-forbidden = Nur Bearbeiter:innen und Moderator:innen können Bilder hinzufügen.
picture-not-uploaded-title = Dieses Bild ist noch nicht beim Server angekommen
picture-unreadable = „{ $name }“ konnte nicht gelesen werden.
picture-not-supported = „{ $name }“ ist kein Bild, das Tafel annimmt (PNG, JPEG, GIF, WebP oder SVG).
picture-damaged = „{ $name }“ ist beschädigt oder lässt sich nicht anzeigen.
# $reason: warum der Server es abgelehnt hat (schon in der Sprache der Seite)
picture-refused = „{ $name }“: { $reason }
picture-not-kept = „{ $name }“ konnte offline nicht auf diesem Gerät gespeichert werden.
picture-kept-offline = Offline: Das Bild bleibt auf diesem Gerät und wird später hochgeladen.
picture-offline-refused = Ein offline hinzugefügtes Bild wurde nicht angenommen: { $reason }

# Fehler der Server-API (nach Fehlercode)
error-unreachable = Der Server ist nicht erreichbar.
error-status = Der Server antwortete mit { $status }.
error-unauthorized = Dieser Link gilt nicht für dieses Board.
error-link-revoked = Dieser Link wurde widerrufen. Bitte eine:n Moderator:in um einen neuen.
error-forbidden = Das darf deine Rolle nicht.
error-not-found = Dieses Board oder das Angefragte gibt es nicht.
error-unknown-template = Diese Vorlage gibt es nicht.
error-storage-failure = Der Server konnte diese Änderung nicht speichern. Es wurde nichts geändert; versuch es später noch einmal.
error-too-large-mb = Diese Datei ist größer als { $mb } MB – mehr darf ein Bild auf diesem Server nicht haben.
error-too-large = Diese Datei ist größer, als ein Bild auf diesem Server sein darf.
error-quota-exceeded = Auf diesem Board ist kein Platz mehr für dieses Bild. Lösche Bilder vom Board oder bitte die Betreiber:in des Servers um mehr Platz.
error-not-an-image = Diese Datei ist kein Bild, das Tafel annimmt (PNG, JPEG, GIF, WebP oder SVG), oder sie ist beschädigt.

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

## Abgelehnte Aktionen, nach Code (Englisch zeigt den genauen Grund des Servers)
refusal-forbidden = Das darf deine Rolle nicht.
refusal-wrong-document = Das geht an dieser Stelle nicht.
refusal-invalid-argument = Dieser Wert ist hier nicht möglich.
refusal-not-now = Das geht gerade nicht.
refusal-limit-reached = Dafür ist deine Grenze erreicht.
refusal-not-found = Das gibt es nicht mehr.

## Anordnen: ausrichten, verteilen, aufräumen, gruppieren, Linienführung, Einrasten
arrange-align-group = Ausrichten
arrange-align-left = Linke Kanten ausrichten
arrange-align-center = Horizontal zentrieren
arrange-align-right = Rechte Kanten ausrichten
arrange-align-top = Obere Kanten ausrichten
arrange-align-middle = Vertikal zentrieren
arrange-align-bottom = Untere Kanten ausrichten
arrange-distribute-horizontal = Horizontal gleichmäßig verteilen
arrange-distribute-vertical = Vertikal gleichmäßig verteilen
arrange-tidy = Im Raster aufräumen
arrange-group = Gruppieren
arrange-ungroup = Gruppierung aufheben
arrange-grouped = Gruppiert: Die Elemente werden jetzt gemeinsam ausgewählt und verschoben
arrange-ungrouped = Gruppierung aufgehoben
arrange-grid = Am Raster einrasten
arrange-grid-on = Einrasten am Raster an
arrange-grid-off = Einrasten am Raster aus
arrange-route-group = Verbindungslinie
arrange-route-straight = Gerade Linie
arrange-route-elbow = Gewinkelte Linie
arrange-route-curved = Geschwungene Linie
canvas-end-handle-title = Ziehen, um dieses Ende an ein anderes Element zu hängen, oder auf dem Board loslassen, um es zu lösen
key-help-group = Auswahl gruppieren
key-help-ungroup = Gruppierung der Auswahl aufheben
key-help-grid = Einrasten am Raster an oder aus
key-help-free-move = Ohne Einrasten verschieben
key-gesture-alt-drag = Alt + Ziehen
type-size-group = Textgröße
type-size-s = Kleiner Text
type-size-m = Mittlerer Text
type-size-l = Großer Text
type-size-xl = Sehr großer Text

## Leitfragen der Vorlagen-Rahmen (leise in jedem Rahmen gezeigt)
frame-vision-today-hint = Wo stehen wir heute? Was funktioniert, was hält uns auf?
frame-vision-goal-hint = Wo wollen wir in drei Jahren sein? Was ist dann anders?
frame-vision-why-hint = Warum ist das wichtig, und für wen? Was passiert, wenn wir nichts tun?
frame-vision-success-hint = Woran merken wir, dass wir angekommen sind? Welche Bilder, Zahlen oder Geschichten zeigen es?
frame-bmc-partners-hint = Wer sind unsere wichtigsten Partner? Wer sind unsere wichtigsten Lieferanten? Was leisten sie für uns?
frame-bmc-activities-hint = Welche Schlüsselaktivitäten erfordert unser Wertangebot? Unsere Kanäle? Unsere Kundenbeziehungen?
frame-bmc-resources-hint = Welche Schlüsselressourcen erfordert unser Wertangebot: Menschen, Wissen, Geld, Dinge?
frame-bmc-value-hint = Welchen Wert liefern wir? Welches Problem unserer Kund:innen lösen wir? Welche Bedürfnisse erfüllen wir?
frame-bmc-relationships-hint = Welche Beziehung erwartet jedes Kundensegment von uns? Wie pflegen wir sie?
frame-bmc-channels-hint = Über welche Kanäle wollen unsere Kund:innen erreicht werden? Welche funktionieren am besten?
frame-bmc-segments-hint = Für wen schaffen wir Wert? Wer sind unsere wichtigsten Kund:innen?
frame-bmc-costs-hint = Was sind die wichtigsten Kosten? Welche Ressourcen und Aktivitäten sind am teuersten?
frame-bmc-revenue-hint = Für welchen Wert zahlen unsere Kund:innen? Wie zahlen sie heute, und wie würden sie gern zahlen?
frame-swot-strengths-hint = Was können wir gut? Was sehen andere als unsere Stärken?
frame-swot-weaknesses-hint = Was könnten wir verbessern? Wo fehlen uns Fähigkeiten oder Mittel?
frame-swot-opportunities-hint = Welche Trends oder Veränderungen können wir nutzen? Welche Türen stehen offen?
frame-swot-threats-hint = Was könnte uns schaden? Was tun Wettbewerber? Welche Risiken sehen wir?
frame-roles-actors-hint = Wer ist am Projekt beteiligt, in der Agentur und beim Kunden? Lege für jede:n eine Karte an.
frame-roles-roles-hint = Welche Rolle spielt jede:r? Welche Rolle glauben sie zu spielen?
frame-roles-views-hint = Wie sieht jede:r das Projekt? Was erhoffen sie sich, was befürchten sie?
frame-roles-decides-hint = Wer entscheidet was? Wer glaubt nur zu entscheiden? Wo bleibt eine Entscheidung hängen?
frame-roles-reality-hint = Was passiert wirklich in der Zusammenarbeit? Was würden wir zuerst ändern?
frame-phases-track-hint = Was wissen wir über den Status quo? Welche Daten, Interviews und Beobachtungen haben wir?
frame-phases-think-hint = Was ist unsere Vision? Welche Strategie und welches Konzept folgen daraus?
frame-phases-make-hint = Was bauen wir zuerst? Wer macht es, bis wann?
frame-retro-well-hint = Was lief gut? Was wollen wir beibehalten?
frame-retro-improve-hint = Was war schwierig? Was sollten wir anders machen?
frame-retro-actions-hint = Welche konkreten Schritte gehen wir als Nächstes, und wer übernimmt welchen?

## Anleitung für Moderator:innen, je Vorlage (in der Agenda)
template-vision-howto = Beginnt mit dem Heute, still, fünf Minuten. Dann Ziel und Warum; die Erfolgsbilder zum Schluss clustern und mit Punkten bewerten.
template-business-model-canvas-howto = Füllt das Canvas von rechts (Segmente, Wert) nach links (Partner, Kosten). Eine Notiz pro Idee; für die Wertangebote den privaten Modus nutzen.
template-swot-howto = Gebt jedem Quadranten fünf Minuten private Notizen, deckt auf, clustert und bewertet dann die zwei wichtigsten Chancen und Risiken mit Punkten.
template-role-map-howto = Benennt zuerst die Akteure: verschiebt die Startkarten, ergänzt die fehlenden, verbindet, wer mit wem arbeitet. Dann sagt jede Seite, wie sie ihre Rolle sieht; zum Schluss, wer entscheidet.
template-track-think-make-howto = Arbeitet die Phasen der Reihe nach: Track sammelt Fakten, Think macht daraus Vision und Konzept, Make plant, was gebaut wird. Sperrt eine Phase, wenn sie fertig ist.
template-retrospective-howto = Zehn Minuten pro Spalte: privat schreiben, aufdecken, ähnliche Notizen gruppieren, mit Punkten bewerten und die wichtigsten Themen zu Maßnahmen mit Verantwortlichen machen.
agenda-howto = So moderierst du diesen Workshop

## Startkarten der Rollenlandkarte
roles-lane-agency = Agentur
roles-lane-client = Kunde
roles-actor-agency-lead = Projektleitung Agentur
roles-actor-agency-team = Design- und Entwicklungsteam
roles-actor-client-decider = Entscheider:in
roles-actor-client-owner = Product Owner
roles-actor-client-team = Fachbereiche
roles-relation-works-with = arbeitet mit
roles-relation-reports-to = berichtet an
frame-roles-reality = Was wirklich passiert

## Eigene Vorlagen des Servers
menu-save-template = Als Vorlage speichern …
template-save-title = Als Vorlage speichern
template-save-intro = Alle auf diesem Server können auf der Startseite ein Board daraus beginnen.
template-save-name = Name
template-save-description = Wofür sie gedacht ist
template-save-only-frame = Nur den Rahmen „{ $frame }“ und was darin liegt
template-save-button = Vorlage speichern
template-save-name-missing = Eine Vorlage braucht einen Namen.
template-saved = Als Vorlage gespeichert: Sie steht jetzt auf der Startseite
home-saved-templates-heading = Vorlagen eurer Organisation
home-saved-template-delete = Vorlage löschen
home-saved-template-delete-question = Die Vorlage „{ $name }“ löschen? Boards, die daraus entstanden sind, bleiben.
home-saved-template-rename = Vorlage umbenennen
home-saved-template-rename-question = Neuer Name der Vorlage

## Kontextmenü (Rechtsklick, oder lange drücken auf dem Tablet)
context-menu-label = Aktionen
context-edit = Text bearbeiten
context-duplicate = Duplizieren
context-front = Nach vorn
context-back = Nach hinten
context-delete = Löschen
context-zoom = Heranzoomen

## Formatierungsleiste über einer Notiz in Bearbeitung
format-bar-label = Formatierung
format-bold = Fett (Strg+B)
format-italic = Kursiv (Strg+I)
format-strike = Durchgestrichen (Strg+Umschalt+X)
format-bullets = Aufzählung
format-numbers = Nummerierte Liste
format-link = Link (zuerst die Wörter markieren)
format-link-question = Linkadresse (https://, http:// oder mailto:); leer entfernt den Link
format-link-select-first = Markiere zuerst die Wörter, die verlinkt werden sollen.
format-link-refused = Nur https://-, http://- und mailto:-Adressen können Links sein.
error-rate-limited = Gerade zu viele davon von hier aus. Warte eine Minute und versuch es noch einmal.
home-operator-needed = Auf diesem Server legt nur der Betreiber Boards an. Gib das Betreiber-Token ein, um weiterzumachen (es bleibt nur in diesem Tab).
home-operator-label = Betreiber-Token
home-operator-create = Board anlegen
home-operator-wrong = Dieses Betreiber-Token stimmt nicht.
