// Starts GOV.UK Frontend's components. Loaded as a module from every page, so the
// Content-Security-Policy needs no inline script.
import { initAll } from '/assets/govuk-frontend.min.js'

initAll()
