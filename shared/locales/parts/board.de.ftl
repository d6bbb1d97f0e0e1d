## board: Board-Seite, Fläche, Werkzeugleisten, Zoom, Farben, Tastenkürzel, Verbindungsstatus, Bilder, Serverfehler

# Board-Seite und Werkzeugleiste
board-toolbar-label = Board-Werkzeuge
board-home-title = Alle Boards
board-title-label = Board-Titel
board-rename-title = Board umbenennen
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
