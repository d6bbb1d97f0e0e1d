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
