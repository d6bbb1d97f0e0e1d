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
