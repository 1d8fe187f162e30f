class Init; end
